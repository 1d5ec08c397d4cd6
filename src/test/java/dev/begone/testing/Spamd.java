package dev.begone.testing;

import dev.begone.classify.spamd.SpamdOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real spamd (SpamAssassin 4) on loopback, per docs/real-servers.md section 2: stock rules, a site dir holding
 * only the host's {@code *.pre} files plus our local.cf, Bayes in the temp dir, no network tests.
 */
public final class Spamd extends ServerProcess {
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final Path STOCK_RULES = Path.of("/usr/share/spamassassin");

    /** @param reportSafe SpamAssassin's report_safe (0: headers only, 1: message/rfc822 wrapper, 2: text/plain) */
    public record Config(int reportSafe, boolean allowTell, int maxChildren) {
        public static final Config DEFAULT = new Config(0, true, 2);

        public Config withReportSafe(int r) {
            return new Config(r, allowTell, maxChildren);
        }

        public Config withAllowTell(boolean a) {
            return new Config(reportSafe, a, maxChildren);
        }

        public Config withMaxChildren(int n) {
            return new Config(reportSafe, allowTell, n);
        }
    }

    private final Config config;
    private final String localRules;
    private int port;

    private Spamd(Path dir, Config config, String localRules) {
        super(dir);
        this.config = config;
        this.localRules = localRules;
    }

    /** Starts spamd in {@code dir} (a fresh @TempDir), skipping the test when spamd is not installed. */
    public static Spamd start(Path dir, Config config) throws IOException, InterruptedException {
        return start(dir, config, "");
    }

    /**
     * As {@link #start(Path, Config)}, with {@code localRules} (SpamAssassin rule lines) added to local.cf: tests that
     * need messages scoring in a given band write a rule that gives them that score.
     */
    public static Spamd start(Path dir, Config config, String localRules) throws IOException, InterruptedException {
        assumeInstalled("spamd", "spamd");
        Spamd s = new Spamd(dir, config, localRules);
        s.setUp();
        s.start();
        return s;
    }

    public static Spamd start(Path dir) throws IOException, InterruptedException {
        return start(dir, Config.DEFAULT);
    }

    private void setUp() throws IOException, InterruptedException {
        Path site = Files.createDirectories(siteDir());
        Files.createDirectories(dir.resolve("bayes"));
        Files.createDirectories(home());
        try (var pre = Files.newDirectoryStream(Path.of("/etc/spamassassin"), "*.pre")) {
            for (Path p : pre) Files.copy(p, site.resolve(p.getFileName()));
        }
        Files.writeString(site.resolve("local.cf"), """
                use_bayes 1
                bayes_auto_learn 0
                bayes_path %s
                bayes_file_mode 0666
                bayes_min_ham_num 1
                bayes_min_spam_num 1
                lock_method flock
                skip_rbl_checks 1
                dns_available no
                use_razor2 0
                use_pyzor 0
                required_score 5.0
                report_safe %d
                """.formatted(dir.resolve("bayes/bayes"), config.reportSafe()) + localRules);
        if (isRoot()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            makeTraversable(dir);
            run(List.of("chown", "nobody:nogroup", dir.resolve("bayes").toString(), home().toString()));
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(command + " failed: " + out);
    }

    @Override
    protected List<String> prepare() throws IOException {
        port = freePorts(1)[0];
        List<String> cmd = new ArrayList<>(List.of("spamd", "--listen=127.0.0.1:" + port,
                "--max-children=" + config.maxChildren(), "--min-children=1",
                "--nouser-config", "--local", "--configpath=" + STOCK_RULES, "--siteconfigpath=" + siteDir(),
                "--helper-home-dir=" + home(), "--pidfile=" + dir.resolve("spamd.pid"), "--syslog=stderr"));
        if (config.allowTell()) cmd.add("--allow-tell");
        if (isRoot()) cmd.addAll(List.of("--username=nobody", "--groupname=nogroup"));
        return cmd;
    }

    @Override
    protected boolean ready() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING SPAMC/1.5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(64), StandardCharsets.US_ASCII).startsWith("SPAMD/1.5 0 PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** Client options for this server, with short timeouts suited to tests. */
    public SpamdOptions options() {
        return SpamdOptions.parse("127.0.0.1:" + port).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /** The site config dir, for {@code spamassassin}/{@code sa-learn --siteconfigpath}. */
    public Path siteDir() {
        return dir.resolve("site");
    }

    /** The home dir spamd's helpers use; give it to the standalone programs as HOME so they share the Bayes db. */
    public Path home() {
        return dir.resolve("home");
    }

    public Path stockRules() {
        return STOCK_RULES;
    }

    /** How many messages this spamd's Bayes has learned of each class, as {@code sa-learn --dump magic} says: {spam, ham}. */
    public long[] learns() throws IOException, InterruptedException {
        // sa-learn fails on a Bayes database spamd has not written yet.
        if (!Files.exists(dir.resolve("bayes/bayes_toks"))) return new long[2];
        ProcessBuilder pb = new ProcessBuilder("sa-learn", "--siteconfigpath=" + siteDir(), "--configpath=" + STOCK_RULES,
                "--dump", "magic").redirectErrorStream(true);
        pb.environment().put("HOME", home().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("sa-learn --dump magic failed: " + out);
        long[] counts = new long[2];
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (line.endsWith("non-token data: nspam")) counts[0] = Long.parseLong(f[2]);
            if (line.endsWith("non-token data: nham")) counts[1] = Long.parseLong(f[2]);
        }
        return counts;
    }

    // Test messages. Bayes remembers Date + body, so every message differs in both.

    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    /** A plain, harmless letter, distinct for every {@code n}, with CRLF line ends. */
    public static byte[] letter(int n) {
        return message(n, "Lunch " + n, "Hi Bob, shall we meet for lunch tomorrow at noon? Table " + n + ". Cheers, Alice");
    }

    /** A GTUBE message, distinct for every {@code n}. */
    public static byte[] gtube(int n) {
        return message(n, "You won " + n, GTUBE + "\r\nClaim prize number " + n + " now.");
    }

    public static byte[] message(int n, String subject, String body) {
        String date = ZonedDateTime.of(2026, 1, 1, 9, 0, 0, 0, ZoneOffset.UTC).plusMinutes(n).format(RFC_5322);
        String text = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: " + subject
                + "\r\nDate: " + date + "\r\nMessage-ID: <m" + n + "@example.org>\r\n\r\n" + body + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
