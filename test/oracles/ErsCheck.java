// Bouncy Castle's RFC 4998 evidence record validation (org.bouncycastle.tsp.ers, bcpkix 1.72), as an
// independent oracle for tsproof's evidence records: java ErsCheck <record.ers> <data-object> [<ISO time>]
// (the time it is judged at; default now).
// Prints one line per archive timestamp ("ATS <chain>.<n> <genTime> <TSA subject>") and "OK",
// or "FAIL <reason>" (exit 1).
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Security;
import java.util.Date;

import org.bouncycastle.asn1.tsp.ArchiveTimeStamp;
import org.bouncycastle.asn1.tsp.ArchiveTimeStampChain;
import org.bouncycastle.asn1.tsp.EvidenceRecord;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.ers.ERSArchiveTimeStamp;
import org.bouncycastle.tsp.ers.ERSByteData;
import org.bouncycastle.tsp.ers.ERSEvidenceRecord;

public class ErsCheck {
    public static void main(String[] args) throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        try {
            byte[] er = Files.readAllBytes(Paths.get(args[0]));
            byte[] data = Files.readAllBytes(Paths.get(args[1]));
            DigestCalculatorProvider dcp = new JcaDigestCalculatorProviderBuilder().setProvider("BC").build();
            // The constructor checks every timestamp renewal within each chain (RFC 4998 §5.2).
            ERSEvidenceRecord record = new ERSEvidenceRecord(er, dcp);
            // The data object's hash is in the first archive timestamp's tree, which leads to its token's imprint.
            Date at = args.length > 2 ? Date.from(java.time.Instant.parse(args[2])) : new Date();
            record.validatePresent(new ERSByteData(data), at);
            ArchiveTimeStampChain[] chains = EvidenceRecord.getInstance(er).getArchiveTimeStampSequence().getArchiveTimeStampChains();
            for (int c = 0; c < chains.length; c++) {
                ArchiveTimeStamp[] list = chains[c].getArchiveTimestamps();
                for (int i = 0; i < list.length; i++) {
                    ERSArchiveTimeStamp ats = new ERSArchiveTimeStamp(list[i], dcp);
                    // Each token's signature, with the TSA certificate it carries.
                    ats.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(ats.getSigningCertificate()));
                    System.out.println("ATS " + c + "." + i + " " + ats.getGenTime().toInstant() + " " + ats.getSigningCertificate().getSubject());
                }
            }
            System.out.println("OK");
        } catch (Exception e) {
            System.out.println("FAIL " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
