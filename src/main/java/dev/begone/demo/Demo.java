package dev.begone.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.begone.classify.Label;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.LearnSettings;
import dev.begone.pipeline.LearnStats;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.ScanSettings;
import dev.begone.pipeline.Session;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A whole begone session against an embedded IMAP server: training folders teach the built-in classifier, then
 * the inbox is scanned and spam moved. It goes through the real IMAP client, state store, pipeline and classifier.
 */
public final class Demo {
    private static final String TRAIN_SPAM = "TrainSpam";
    private static final String TRAIN_HAM = "TrainHam";
    private static final String SPAM = "Spam";
    private static final String INBOX = "INBOX";

    /** How much synthetic mail goes where; the inbox needs at least twice as many ham as spam to interleave them. */
    public record Sizes(int trainingPerClass, int inboxHam, int inboxSpam, long seed) {
        public Sizes {
            if (inboxHam < inboxSpam) throw new IllegalArgumentException("inboxHam must be at least inboxSpam");
        }

        public static final Sizes DEFAULT = new Sizes(60, 12, 8, 1);
    }

    private Demo() {}

    public static void run(PrintWriter out, Path workDir, Sizes sizes) throws IOException {
        String password = HexFormat.of().formatHex(SecureRandom.getSeed(12));
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        server.start();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            server.setUser("demo@example.com", "demo", password);
            int port = server.getImap().getPort();
            out.printf("demo: embedded IMAP server on 127.0.0.1:%d (plain IMAP: it never leaves this machine)%n", port);
            ImapSettings settings = ImapSettings.builder("127.0.0.1", port, "demo", Secret.of(password), TlsMode.STARTTLS)
                    .allowPlaintext(true)
                    .timeout(Duration.ofSeconds(30))
                    .build();
            String account = "demo@127.0.0.1:" + port;
            try (MailStore store = ImapMailStore.connect(settings);
                    StateStore state = StateStore.open(workDir.resolve("state.db"));
                    BuiltinClassifier classifier = BuiltinClassifier.load(workDir.resolve("builtin.model"), BuiltinOptions.defaults())) {
                fill(store, sizes);
                out.printf("demo: put %d spam in %s, %d ham in %s, and %d new messages in %s%n", sizes.trainingPerClass(),
                        TRAIN_SPAM, sizes.trainingPerClass(), TRAIN_HAM, sizes.inboxHam() + sizes.inboxSpam(), INBOX);

                Session session = new Session(store, state, account, classifier, pool, PipelineListener.NONE);
                AccountRun.Result result = AccountRun.run(session, plan());
                LearnStats spam = result.learnt().get(0).stats();
                LearnStats ham = result.learnt().get(1).stats();
                out.printf("learn: %d/%d spams learnt from %s, %d/%d hams learnt from %s%n", spam.learned(), spam.toLearn(),
                        TRAIN_SPAM, ham.learned(), ham.toLearn(), TRAIN_HAM);
                out.printf("scan: %d spams found in %d messages of %s, moved to %s%n", result.spam(), result.messages(), INBOX, SPAM);
                printTree(out, store);
            }
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }

    private static void fill(MailStore store, Sizes sizes) throws IOException {
        for (String folder : List.of(TRAIN_SPAM, TRAIN_HAM, SPAM)) {
            if (!store.exists(folder)) store.create(folder);
        }
        Instant now = Instant.now();
        for (int i = 0; i < sizes.trainingPerClass(); i++) {
            store.append(TRAIN_SPAM, SyntheticMail.make(Label.SPAM, i, sizes.seed()), Set.of(), now);
            store.append(TRAIN_HAM, SyntheticMail.make(Label.HAM, i, sizes.seed()), Set.of(), now);
        }
        int inbox = sizes.inboxHam() + sizes.inboxSpam();
        for (int i = 0; i < inbox; i++) {
            // Interleaved, and drawn with another seed than the training mail: new messages, not copies.
            Label label = i % 2 == 1 && i / 2 < sizes.inboxSpam() ? Label.SPAM : Label.HAM;
            store.append(INBOX, SyntheticMail.make(label, 10_000 + i, sizes.seed() + 1), Set.of(), now);
        }
    }

    /** The sequence of every begone run: learn from both training folders, then move the inbox's spam out. */
    private static AccountRun.Plan plan() {
        List<LearnSettings> learn = List.of(LearnSettings.builder(TRAIN_SPAM, Label.SPAM).build(),
                LearnSettings.builder(TRAIN_HAM, Label.HAM).build());
        ScanSettings scan = ScanSettings.builder(INBOX).spamFolder(SPAM).deleteSpam(true).expunge(true).build();
        return new AccountRun.Plan(learn, List.of(scan), new SpamPolicy(null), false, false, Duration.ofDays(30));
    }

    private static void printTree(PrintWriter out, MailStore store) throws IOException {
        out.println("folders after the scan:");
        for (FolderInfo folder : store.listFolders()) {
            try (MailStore.OpenFolder f = store.open(folder.name(), true)) {
                UidSet all = f.search(SearchCriteria.all());
                out.printf("  %-10s %3d messages%n", folder.name(), all.size());
                if (folder.name().equals(INBOX) || folder.name().equals(SPAM)) {
                    for (FetchedMessage m : all.isEmpty() ? List.<FetchedMessage>of() : f.fetch(all)) {
                        out.println("      " + SyntheticMail.subject(m.raw()));
                    }
                }
            }
        }
    }
}
