/*
 * Writes PKCS#12 files the way Java and Bouncy Castle do, for tsproof's credential tests
 * (test/unit/pkcs12-forms.test.ts): compiled and run by the test itself.
 *
 *   java P12Writer <key.pem (PKCS#8)> <chain.pem> (<mode> <out.p12> <password> <iterations> <hmac> <prf>)...
 *
 * One run writes every file asked for (a JVM starts slowly).
 * modes:
 *   jdk          java.security.KeyStore "PKCS12" as the JDK writes it (PBES2/AES-256, HmacPBESHA256)
 *   jdk-legacy   the same with keystore.pkcs12.legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)
 *   bc-keystore  Bouncy Castle's KeyStore "PKCS12" with its defaults (1.72: 3DES key, RC2-40
 *                certificates at 51,200 iterations, SHA-1 MAC at 102,400)
 *   bc-legacy    Bouncy Castle's PKCS12PfxPduBuilder: 3DES key, RC2-40 certificates, SHA-1 MAC
 *   bc-pbmac1    Bouncy Castle: PBES2/AES-256-CBC contents and a PBMAC1 MAC (RFC 9579) computed
 *                by JcePBMac1CalculatorBuilder (hmac: HmacSHA256 | HmacSHA512; prf: SHA256 | SHA512)
 *   bc-pbmac1-as-is  the same, with the PBKDF2 labelled PBES2 as Bouncy Castle 1.72 writes it
 */
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBMAC1Params;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.RC2Engine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.MacCalculator;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePBMac1CalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

public class P12Writer {
    public static void main(String[] a) throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        String pem = new String(Files.readAllBytes(Paths.get(a[0])), StandardCharsets.US_ASCII);
        byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (Exception e) {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        }
        Collection<? extends Certificate> certs;
        try (FileInputStream in = new FileInputStream(a[1])) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        X509Certificate[] chain = certs.toArray(new X509Certificate[0]);
        for (int i = 2; i + 6 <= a.length; i += 6) {
            byte[] out = write(a[i], key, chain, a[i + 2].toCharArray(), Integer.parseInt(a[i + 3]), a[i + 4], a[i + 5]);
            try (FileOutputStream f = new FileOutputStream(a[i + 1])) {
                f.write(out);
            }
        }
    }

    static byte[] write(String mode, PrivateKey key, X509Certificate[] chain, char[] password, int iterations, String hmac, String prf) throws Exception {
        // The JDK reads its legacy switch each time a keystore is stored.
        if (mode.equals("jdk-legacy")) System.setProperty("keystore.pkcs12.legacy", "true");
        else System.clearProperty("keystore.pkcs12.legacy");

        if (mode.startsWith("jdk") || mode.equals("bc-keystore")) {
            KeyStore ks = mode.equals("bc-keystore") ? KeyStore.getInstance("PKCS12", "BC") : KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("alias", key, password, chain);
            java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
            ks.store(bo, password);
            return bo.toByteArray();
        } else {
            OutputEncryptor keyEnc, certEnc;
            if (mode.equals("bc-legacy")) {
                keyEnc = new BcPKCS12PBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, new CBCBlockCipher(new DESedeEngine())).setIterationCount(iterations).build(password);
                certEnc = new BcPKCS12PBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC, new CBCBlockCipher(new RC2Engine())).setIterationCount(iterations).build(password);
            } else {
                keyEnc = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC).setIterationCount(iterations).setProvider("BC").build(password);
                certEnc = keyEnc;
            }
            List<PKCS12SafeBag> certBags = new ArrayList<>();
            for (X509Certificate c : chain) certBags.add(new JcaPKCS12SafeBagBuilder(c).build());
            PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(key, keyEnc);
            PKCS12PfxPduBuilder b = new PKCS12PfxPduBuilder();
            b.addEncryptedData(certEnc, certBags.toArray(new PKCS12SafeBag[0]));
            b.addData(keyBag.build());
            if (mode.equals("bc-legacy")) {
                return b.build(new BcPKCS12MacCalculatorBuilder().setIterationCount(iterations), password).getEncoded(ASN1Encoding.DER);
            } else {
                // PBMAC1: BC 1.72 computes it (JcePBMac1CalculatorBuilder) but its PfxPduBuilder cannot
                // place it, so the MacData is assembled here: macSalt "NOT USED", iterations 1 (RFC 9579 §5).
                Pfx unmacked = b.build(null, null).toASN1Structure();
                ContentInfo authSafe = unmacked.getAuthSafe();
                byte[] content = ASN1OctetString.getInstance(authSafe.getContent()).getOctets();
                int keyBits = hmac.endsWith("512") ? 512 : 256;
                JcePBMac1CalculatorBuilder mb = new JcePBMac1CalculatorBuilder(hmac, keyBits).setIterationCount(iterations).setProvider("BC");
                mb.setPrf(prf.equals("SHA512") ? JcePBMac1CalculatorBuilder.PRF_SHA512 : JcePBMac1CalculatorBuilder.PRF_SHA256);
                MacCalculator mc = mb.build(password);
                try (OutputStream mo = mc.getOutputStream()) {
                    mo.write(content);
                }
                AlgorithmIdentifier alg = mc.getAlgorithmIdentifier();
                if (!mode.equals("bc-pbmac1-as-is")) {
                    // BC 1.72 labels the PBKDF2 of its PBMAC1 as PBES2 (1.2.840.113549.1.5.13); RFC 9579
                    // and OpenSSL want PBKDF2. The MAC does not cover this label: relabel it.
                    PBMAC1Params p = PBMAC1Params.getInstance(alg.getParameters());
                    AlgorithmIdentifier kdf = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBKDF2, p.getKeyDerivationFunc().getParameters());
                    alg = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBMAC1, new PBMAC1Params(kdf, p.getMessageAuthScheme()));
                }
                MacData macData = new MacData(new DigestInfo(alg, mc.getMac()), "NOT USED".getBytes(StandardCharsets.US_ASCII), 1);
                return new Pfx(authSafe, macData).getEncoded(ASN1Encoding.DER);
            }
        }
    }
}
