// Bouncy Castle's RFC 4998 evidence record validation (org.bouncycastle.tsp.ers, bcpkix 1.72), as an
// independent oracle for tsproof's evidence records: java ErsCheck <record.ers> <data-object> [<ISO time>]
// (the time it is judged at; default now). The data object is read as bytes (ERSByteData), or, given
// as file:<path>, handed to Bouncy Castle as a file (ERSFileData). With several chains (a hash-tree
// renewal, RFC 4998 §5.3) Bouncy Castle checks the data object against the first archive timestamp
// of the last chain, with the hash of the chains before it. Further arguments not:<path> (or
// not:file:<path>) name data objects the record must NOT cover: each one it accepts is a FAIL
// (one JVM start for many checks).
// Prints one line per archive timestamp ("ATS <chain>.<n> <genTime> <TSA subject>") and "OK",
// or "FAIL <reason>" (exit 1).
import java.io.File;
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
import org.bouncycastle.tsp.ers.ERSData;
import org.bouncycastle.tsp.ers.ERSFileData;
import org.bouncycastle.tsp.ers.ERSEvidenceRecord;

public class ErsCheck {
    static ERSData dataObject(String arg) throws Exception {
        return arg.startsWith("file:") ? new ERSFileData(new File(arg.substring(5))) : new ERSByteData(Files.readAllBytes(Paths.get(arg)));
    }

    public static void main(String[] args) throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        try {
            byte[] er = Files.readAllBytes(Paths.get(args[0]));
            ERSData data = dataObject(args[1]);
            DigestCalculatorProvider dcp = new JcaDigestCalculatorProviderBuilder().setProvider("BC").build();
            // The constructor checks every timestamp renewal within each chain (RFC 4998 §5.2).
            ERSEvidenceRecord record = new ERSEvidenceRecord(er, dcp);
            // The data object's hash is in the first archive timestamp's tree, which leads to its token's imprint.
            boolean timed = args.length > 2 && !args[2].startsWith("not:");
            Date at = timed ? Date.from(java.time.Instant.parse(args[2])) : new Date();
            record.validatePresent(data, at);
            for (int k = timed ? 3 : 2; k < args.length; k++) {
                boolean accepted;
                try {
                    record.validatePresent(dataObject(args[k].substring(4)), at);
                    accepted = true;
                } catch (Exception e) {
                    accepted = false;
                }
                if (accepted) throw new IllegalStateException("the record also accepts " + args[k].substring(4));
            }
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
