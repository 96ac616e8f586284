// Bouncy Castle as an independent reader of tsproof deposits (test/cli/escrow.test.ts):
//   java -cp bcprov.jar:bcpkix.jar:bcutil.jar EscrowOpen.java <deposit> <recipient.pem> <recipient.key> <out>
// Opens an EnvelopedData or AuthEnvelopedData for the recipient, writes the content to <out>, and
// prints the OIDs of the unprotected (unauthenticated) attributes, one per line, on stdout.
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientId;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

public class EscrowOpen {
  public static void main(String[] a) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    byte[] in = Files.readAllBytes(Path.of(a[0]));
    X509Certificate cert;
    try (FileInputStream s = new FileInputStream(a[1])) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(s);
    }
    String pem = Files.readString(Path.of(a[2])).replaceAll("-----[^-]+-----", "").replaceAll("\\s", "");
    String alg = cert.getPublicKey().getAlgorithm();
    PrivateKey key = KeyFactory.getInstance(alg, "BC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    boolean rsa = alg.equals("RSA");
    RecipientId id = rsa ? new JceKeyTransRecipientId(cert) : new JceKeyAgreeRecipientId(cert);
    ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(in));
    RecipientInformationStore store;
    AttributeTable attrs;
    Recipient recipient;
    if (ci.getContentType().equals(CMSObjectIdentifiers.authEnvelopedData)) {
      CMSAuthEnvelopedData d = new CMSAuthEnvelopedData(ci);
      store = d.getRecipientInfos();
      attrs = d.getUnauthAttrs();
      recipient = new JceKeyTransAuthEnvelopedRecipient(key).setProvider("BC");
    } else {
      CMSEnvelopedData d = new CMSEnvelopedData(ci);
      store = d.getRecipientInfos();
      attrs = d.getUnprotectedAttributes();
      recipient = rsa ? new JceKeyTransEnvelopedRecipient(key).setProvider("BC") : new JceKeyAgreeEnvelopedRecipient(key).setProvider("BC");
    }
    RecipientInformation ri = store.get(id);
    if (ri == null) throw new IllegalStateException("not a recipient");
    Files.write(Path.of(a[3]), ri.getContent(recipient));
    if (attrs != null) for (Attribute at : attrs.toASN1Structure().getAttributes()) System.out.println(at.getAttrType().getId());
  }
}
