package dev.begone.testing;

import dev.begone.imap.ImapSettings;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * Dovecot 2.3 with IMAP (plain + STARTTLS) and IMAPS on loopback, set up as in real-servers.md section 1:
 * its own self-signed certificate, users alice and bob, nothing read from /etc/dovecot.
 */
public final class Dovecot extends ServerProcess {
    public static final Map<String, String> PASSWORDS = Map.of("alice", "alicepw", "bob", "bobpw");
    /** The password of every bulk user (see {@link Options#bulkUsers}). */
    public static final String BULK_PASSWORD = "bulkpw";

    /** Dovecot 2.3's post-login capabilities; {@code imap_capability = +X} could only add, so a test that takes one away writes the list. */
    private static final String CAPABILITIES = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT"
            + " SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE"
            + " UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT"
            + " SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE"
            + " SAVEDATE LITERAL+ NOTIFY SPECIAL-USE QUOTA";

    /**
     * @param starttls false: {@code ssl = no}, which removes STARTTLS and the IMAPS listener
     * @param offerMove false: MOVE is left out of the capabilities, so clients must COPY + UID EXPUNGE
     * @param certSubjectAltName the certificate's SAN, e.g. {@code DNS:other.example} for host name tests
     * @param quotaMegabytes each user's storage quota
     * @param offerIdle false: IDLE is left out of the capabilities, so clients must poll
     * @param bulkUsers this many users more, {@link #bulkUser}(0) and on, all with {@link #BULK_PASSWORD}, and the
     *                  process and connection limits raised so that each can hold a few connections at once
     */
    public record Options(boolean starttls, boolean offerMove, String certSubjectAltName, int quotaMegabytes,
            boolean offerIdle, int bulkUsers) {
        public static final Options DEFAULT = new Options(true, true, "DNS:localhost,IP:127.0.0.1", 100, true, 0);

        public Options withStarttls(boolean on) {
            return new Options(on, offerMove, certSubjectAltName, quotaMegabytes, offerIdle, bulkUsers);
        }

        public Options withMove(boolean on) {
            return new Options(starttls, on, certSubjectAltName, quotaMegabytes, offerIdle, bulkUsers);
        }

        public Options withCertSubjectAltName(String san) {
            return new Options(starttls, offerMove, san, quotaMegabytes, offerIdle, bulkUsers);
        }

        public Options withQuotaMegabytes(int megabytes) {
            return new Options(starttls, offerMove, certSubjectAltName, megabytes, offerIdle, bulkUsers);
        }

        public Options withIdle(boolean on) {
            return new Options(starttls, offerMove, certSubjectAltName, quotaMegabytes, on, bulkUsers);
        }

        public Options withBulkUsers(int n) {
            return new Options(starttls, offerMove, certSubjectAltName, quotaMegabytes, offerIdle, n);
        }

        /** The capability list to configure, or null for Dovecot's own. */
        String capabilities() {
            if (offerMove && offerIdle) return null;
            String c = " " + CAPABILITIES + " ";
            if (!offerMove) c = c.replace(" MOVE ", " ");
            if (!offerIdle) c = c.replace(" IDLE ", " ");
            return c.trim();
        }
    }

    private final Options options;
    private int imapPort;
    /** Set while {@link #restart} starts the server again: clients must find it where it was. */
    private boolean samePorts;
    private int imapsPort;

    private Dovecot(Path dir, Options options) {
        super(dir);
        this.options = options;
    }

    public static Dovecot start(Path tempDir) throws IOException, InterruptedException {
        return start(tempDir, Options.DEFAULT);
    }

    public static Dovecot start(Path tempDir, Options options) throws IOException, InterruptedException {
        assumeInstalled("dovecot", "dovecot-imapd");
        Dovecot d = new Dovecot(tempDir, options);
        d.setUp();
        d.start();
        return d;
    }

    private void setUp() throws IOException, InterruptedException {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        if (isRoot()) {
            // Dovecot's unprivileged processes must traverse the temp dir; mail belongs to the mail uid.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            makeTraversable(dir);
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(mail, PosixFileAttributeView.class);
            view.setOwner(lookup.lookupPrincipalByName("nobody"));
            view.setGroup(lookup.lookupPrincipalByGroupName("nogroup"));
        }
        StringBuilder users = new StringBuilder();
        for (String user : List.of("alice", "bob")) {
            users.append(user).append(":{PLAIN}").append(PASSWORDS.get(user)).append("::::")
                    .append(mail.resolve(user)).append("::\n");
        }
        for (int i = 0; i < options.bulkUsers(); i++) {
            users.append(bulkUser(i)).append(":{PLAIN}").append(BULK_PASSWORD).append("::::")
                    .append(mail.resolve(bulkUser(i))).append("::\n");
        }
        Path usersFile = dir.resolve("users");
        Files.writeString(usersFile, users);
        Files.setPosixFilePermissions(usersFile, PosixFilePermissions.fromString("rw-r--r--"));
        if (options.starttls()) makeCertificate(options.certSubjectAltName());
    }

    private void makeCertificate(String san) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + (san.startsWith("DNS:") ? san.substring(4).split(",")[0] : "test"),
                "-addext", "subjectAltName=" + san,
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.out").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + Files.readString(dir.resolve("openssl.out")));
        }
    }

    @Override
    protected List<String> prepare() throws IOException {
        if (!samePorts) {
            int[] ports = freePorts(2);
            imapPort = ports[0];
            imapsPort = ports[1];
        }
        String mailUser = isRoot() ? "nobody" : System.getProperty("user.name");
        String mailGroup = isRoot() ? "nogroup" : groupOfTempDir();
        StringBuilder c = new StringBuilder();
        c.append("instance_name = dovecot-test-").append(imapPort).append('\n')
                .append("listen = 127.0.0.1\n")
                .append("protocols = imap\n")
                .append("base_dir = ").append(dir.resolve("run")).append('\n')
                .append("state_dir = ").append(dir.resolve("state")).append('\n')
                .append("log_path = ").append(dir.resolve("dovecot.log")).append('\n');
        if (options.starttls()) {
            c.append("ssl = yes\n")
                    .append("ssl_cert = <").append(dir.resolve("cert.pem")).append('\n')
                    .append("ssl_key = <").append(dir.resolve("key.pem")).append('\n');
        } else {
            c.append("ssl = no\n");
        }
        c.append("disable_plaintext_auth = no\n")
                .append("auth_mechanisms = plain login\n")
                .append("mail_uid = ").append(mailUser).append('\n')
                .append("mail_gid = ").append(mailGroup).append('\n')
                .append("first_valid_uid = 1\n")
                .append("passdb {\n  driver = passwd-file\n  args = username_format=%n ").append(dir.resolve("users"))
                .append("\n}\n")
                .append("userdb {\n  driver = passwd-file\n  args = username_format=%n ").append(dir.resolve("users"))
                .append("\n}\n")
                .append("mail_location = maildir:~/Maildir\n")
                // Test data need not survive a power cut; with fsync, 100k APPENDs ran at 971 msg/s instead of ~3200.
                .append("mail_fsync = never\n")
                .append("namespace inbox {\n  inbox = yes\n  separator = /\n")
                .append("  mailbox Junk {\n    special_use = \\Junk\n    auto = subscribe\n  }\n")
                .append("  mailbox Trash {\n    special_use = \\Trash\n    auto = subscribe\n  }\n}\n")
                .append("mail_plugins = $mail_plugins quota\n")
                .append("plugin {\n  quota = count:User quota\n  quota_vsizes = yes\n  quota_rule = *:storage=").append(options.quotaMegabytes())
                .append("M\n}\n")
                .append("protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n")
                .append("  mail_max_userip_connections = 200\n");
        if (options.capabilities() != null) c.append("  imap_capability = ").append(options.capabilities()).append('\n');
        c.append("}\n")
                .append("service imap-login {\n  inet_listener imap {\n    port = ").append(imapPort).append("\n  }\n");
        if (options.starttls()) {
            c.append("  inet_listener imaps {\n    port = ").append(imapsPort).append("\n    ssl = yes\n  }\n");
        }
        c.append("}\n");
        if (options.bulkUsers() > 0) c.append(bulkLimits(options.bulkUsers()));
        if (!isRoot()) {
            c.append("default_internal_user = ").append(mailUser).append('\n')
                    .append("default_internal_group = ").append(mailGroup).append('\n')
                    .append("default_login_user = ").append(mailUser).append('\n')
                    .append("service anvil {\n  chroot =\n}\n")
                    .append("service imap-login {\n  chroot =\n}\n");
        }
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, c);
        return List.of(findOnPath("dovecot").toString(), "-F", "-c", conf.toString());
    }

    /** The name of bulk user {@code i}: u0000, u0001, ... */
    public static String bulkUser(int i) {
        return String.format(java.util.Locale.ROOT, "u%04d", i);
    }

    /** The password of {@code user}, one of the two named users or a bulk user. */
    public static String password(String user) {
        return PASSWORDS.getOrDefault(user, BULK_PASSWORD);
    }

    /**
     * Room for a few connections per bulk user. Logins are handled by a few long-lived login processes (Dovecot's
     * high-performance mode) and sessions share imap processes, so that the IDLE sessions need few of the kernel's
     * inotify instances (128 per uid by default): a session without one polls its folder only every 30 s.
     */
    private static String bulkLimits(int users) {
        int connections = 3 * users + 100;
        return """
                default_client_limit = %d
                default_vsz_limit = 1G
                service imap-login {
                  service_count = 0
                  process_min_avail = 2
                  client_limit = %d
                }
                service imap {
                  service_count = 0
                  client_limit = 32
                  process_limit = %d
                }
                service anvil {
                  client_limit = %d
                }
                service auth {
                  client_limit = %d
                }
                """.formatted(connections, connections, connections / 32 + 10, connections + 100, connections + 100);
    }

    private String groupOfTempDir() throws IOException {
        GroupPrincipal g = Files.getFileAttributeView(dir, PosixFileAttributeView.class).readAttributes().group();
        return g.getName();
    }

    @Override
    protected boolean ready() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), imapPort)) {
            s.setSoTimeout(1000);
            return readLine(s.getInputStream()).startsWith("* OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops Dovecot and its sessions, as a crash would end them; {@link #startAgain} brings it back. */
    public void stop() throws InterruptedException {
        close();
    }

    /** Starts a stopped Dovecot again on the same ports with the same mail. */
    public void startAgain() throws IOException, InterruptedException {
        samePorts = true;
        try {
            start();
        } finally {
            samePorts = false;
        }
    }

    /**
     * Puts a message into a user's INBOX as a local delivery agent would, through the Maildir and not through
     * Dovecot, so it also works while Dovecot is stopped. The user must have logged in once (Dovecot makes the
     * Maildir then).
     */
    public void deliverToMaildir(String user, byte[] message) throws IOException {
        Path maildir = dir.resolve("mail").resolve(user).resolve("Maildir");
        String name = System.currentTimeMillis() / 1000 + ".M" + System.nanoTime() + ".test";
        Path tmp = maildir.resolve("tmp").resolve(name);
        Files.write(tmp, message);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw-rw-"));
        if (isRoot()) {
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(tmp, lookup.lookupPrincipalByName("nobody"));
        }
        Files.move(tmp, maildir.resolve("new").resolve(name));
    }

    /** Plain IMAP with STARTTLS offered (unless {@code starttls} is off). */
    /** How many times {@code user} has logged in so far, by the server's log. */
    public long logins(String user) throws IOException {
        String login = "Login: user=<" + user + ">";
        try (var lines = Files.lines(dir.resolve("dovecot.log"))) {
            return lines.filter(l -> l.contains(login)).count();
        }
    }

    public int imapPort() {
        return imapPort;
    }

    public int imapsPort() {
        if (!options.starttls()) throw new IllegalStateException("this Dovecot runs with ssl = no: no IMAPS");
        return imapsPort;
    }

    public Path certPem() {
        return dir.resolve("cert.pem");
    }

    /** Settings for {@code user} on 127.0.0.1 trusting exactly this server's certificate. */
    public ImapSettings settings(String user, TlsMode tls) {
        int port = tls == TlsMode.IMPLICIT ? imapsPort() : imapPort();
        ImapSettings.Builder s = ImapSettings.builder("127.0.0.1", port, user, Secret.of(password(user)), tls)
                .timeout(Duration.ofSeconds(30));
        return (options.starttls() ? s.trustCa(certPem()) : s.allowPlaintext(true)).build();
    }

    /**
     * Appends {@code messages} (CRLF line endings) to {@code folder}, creating it if needed: one connection,
     * MULTIAPPEND with non-synchronising literals, 1000 messages per command.
     */
    public void deliver(String user, String folder, List<byte[]> messages) throws IOException {
        fill(user, Map.of(folder, messages), false);
    }

    /**
     * Makes each folder of {@code contents} hold exactly those messages, in one connection: creates the folders that
     * are missing, empties the others, then appends. Folders not named are left alone.
     */
    public void replace(String user, Map<String, List<byte[]>> contents) throws IOException {
        fill(user, contents, true);
    }

    private void fill(String user, Map<String, List<byte[]>> contents, boolean emptyFirst) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), imapPort)) {
            s.setSoTimeout(120_000);
            InputStream in = s.getInputStream();
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            readLine(in);
            exchange(in, out, "a LOGIN " + quote(user) + " " + quote(password(user)), true);
            int tag = 0;
            for (Map.Entry<String, List<byte[]>> e : contents.entrySet()) {
                String mailbox = quote(BASE64MailboxEncoder.encode(e.getKey()));
                if (!e.getKey().equalsIgnoreCase("INBOX")) exchange(in, out, "c" + tag++ + " CREATE " + mailbox, false);
                if (emptyFirst) {
                    exchange(in, out, "s" + tag++ + " SELECT " + mailbox, true);
                    exchange(in, out, "d" + tag++ + " UID STORE 1:* +FLAGS.SILENT (\\Deleted)", true);
                    exchange(in, out, "x" + tag++ + " CLOSE", true);
                }
                List<byte[]> messages = e.getValue();
                for (int from = 0; from < messages.size(); from += 1000) {
                    String t = "m" + tag++;
                    out.write((t + " APPEND " + mailbox).getBytes(StandardCharsets.US_ASCII));
                    for (byte[] m : messages.subList(from, Math.min(messages.size(), from + 1000))) {
                        out.write((" {" + m.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(m);
                    }
                    exchange(in, out, "", true, t);
                }
            }
            exchange(in, out, "z LOGOUT", false);
        }
    }

    /** Deletes {@code folder} and every message in it, as a user's mail client would. */
    public void deleteFolder(String user, String folder) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), imapPort)) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            readLine(in);
            exchange(in, out, "a LOGIN " + quote(user) + " " + quote(password(user)), true);
            exchange(in, out, "d DELETE " + quote(BASE64MailboxEncoder.encode(folder)), true);
            exchange(in, out, "z LOGOUT", false);
        }
    }

    private static void exchange(InputStream in, OutputStream out, String command, boolean mustSucceed)
            throws IOException {
        exchange(in, out, command, mustSucceed, command.substring(0, command.indexOf(' ')));
    }

    private static void exchange(InputStream in, OutputStream out, String command, boolean mustSucceed, String tag)
            throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int lines = 0; lines < 1_000_000; lines++) {
            String line = readLine(in);
            if (line.startsWith(tag + " ")) {
                if (mustSucceed && !line.startsWith(tag + " OK")) {
                    throw new IOException("Dovecot refused " + tag + ": " + line);
                }
                return;
            }
        }
        throw new IOException("no tagged answer to " + tag);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 100_000; n++) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed after: " + sb);
            if (b == '\n') return sb.toString().stripTrailing();
            sb.append((char) b);
        }
        throw new IOException("line too long: " + sb.substring(0, 200));
    }
}
