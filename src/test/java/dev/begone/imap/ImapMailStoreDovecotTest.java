package dev.begone.imap;

import static dev.begone.imap.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.Dovecot;
import dev.begone.testing.FaultProxy;
import dev.begone.testing.Variants;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ImapMailStore against real Dovecot: one with TLS and MOVE, one without STARTTLS and without MOVE. */
@Timeout(120)
class ImapMailStoreDovecotTest {
    @TempDir
    static Path tlsDir;

    @TempDir
    static Path plainDir;

    static Dovecot dovecot;
    /** ssl = no, MOVE not offered: the fallback paths and the fault proxy (which must see plain text). */
    static Dovecot plain;

    @BeforeAll
    static void startServers() throws Exception {
        dovecot = Dovecot.start(tlsDir);
        plain = Dovecot.start(plainDir, Dovecot.Options.DEFAULT.withStarttls(false).withMove(false));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (dovecot != null) dovecot.close();
        if (plain != null) plain.close();
    }

    private static ImapSettings alice(TlsMode tls) {
        return dovecot.settings("alice", tls);
    }

    private static ImapSettings plainAlice() {
        return plain.settings("alice", TlsMode.STARTTLS).toBuilder().allowPlaintext(true).build();
    }

    private static String folderFor(TestInfo info) {
        return info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void wrongPasswordIsALoginFailureThatNamesUserAndServer() {
        ImapSettings s = alice(TlsMode.STARTTLS);
        ImapSettings wrong = Variants.password(s, "not-alicepw");
        LoginFailedException e = assertThrows(LoginFailedException.class, () -> ImapMailStore.connect(wrong).close());
        assertTrue(e.getMessage().startsWith("login as alice on 127.0.0.1:" + s.port() + " failed: "), e.getMessage());
        assertFalse(e.getMessage().contains("not-alicepw"));
    }

    @Test
    void selfSignedCertificateIsRefusedWithoutTrustOption() {
        for (TlsMode mode : TlsMode.values()) {
            ImapSettings s = alice(mode).toBuilder().trustCa(null).build();
            TlsRefusedException e = assertThrows(TlsRefusedException.class, () -> ImapMailStore.connect(s).close());
            assertEquals("TLS certificate of 127.0.0.1:" + s.port() + " is not trusted", e.getMessage(), mode.name());
            assertEquals(TlsRefusedException.Remedy.TRUST_CERTIFICATE, e.remedy());
        }
    }

    @Test
    void selfSignedCertificateIsAcceptedWithTlsCaOption() throws Exception {
        for (TlsMode mode : TlsMode.values()) {
            try (MailStore store = ImapMailStore.connect(alice(mode))) {
                assertTrue(store.capabilities().contains("IMAP4REV1"), mode.name());
            }
        }
    }

    @Test
    void hostnameMismatchIsRefused(@TempDir Path otherDir) throws Exception {
        try (Dovecot other = Dovecot.start(otherDir, Dovecot.Options.DEFAULT.withCertSubjectAltName("DNS:other.example"))) {
            for (TlsMode mode : TlsMode.values()) {
                ImapSettings s = other.settings("alice", mode);
                TlsRefusedException e = assertThrows(TlsRefusedException.class, () -> ImapMailStore.connect(s).close());
                assertEquals("TLS certificate of 127.0.0.1:" + s.port() + " does not name host 127.0.0.1", e.getMessage(),
                        mode.name());
                assertEquals(TlsRefusedException.Remedy.SKIP_VERIFICATION, e.remedy());
            }
            try (MailStore store = ImapMailStore.connect(other.settings("alice", TlsMode.IMPLICIT).toBuilder()
                    .trustCa(null).insecure(true).build())) {
                assertTrue(store.capabilities().contains("IMAP4REV1"));
            }
        }
    }

    /**
     * A CA file adds to the system's trust, as the configuration's {@code ca} promises ("extra trust"): a server
     * whose certificate the system trusts is still trusted, and one the system trusts under another name is refused
     * for its name, not for want of trust. The system's trust store is a file named by {@code javax.net.ssl.trustStore},
     * here one that holds both test servers' certificates. A TLS context keeps the system's trust it was made with:
     * each connection here names a CA file of its own, so that its context is made with the store in force.
     */
    @Test
    void aCaFileAddsToTheSystemsTrustInsteadOfReplacingIt(@TempDir Path otherDir, @TempDir Path tmp) throws Exception {
        try (Dovecot other = Dovecot.start(otherDir, Dovecot.Options.DEFAULT.withCertSubjectAltName("DNS:other.example"))) {
            Path otherCa = Files.copy(other.certPem(), tmp.resolve("other.pem"));
            Path aliceCa = Files.copy(dovecot.certPem(), tmp.resolve("alice.pem"));
            java.security.KeyStore system = java.security.KeyStore.getInstance("PKCS12");
            system.load(null, null);
            var x509 = java.security.cert.CertificateFactory.getInstance("X.509");
            for (Path pem : List.of(aliceCa, otherCa)) {
                try (var in = Files.newInputStream(pem)) {
                    system.setCertificateEntry(pem.getFileName().toString(), x509.generateCertificate(in));
                }
            }
            Path systemStore = tmp.resolve("system.p12");
            try (var out = Files.newOutputStream(systemStore)) {
                system.store(out, "changeit".toCharArray());
            }
            Map<String, String> saved = new java.util.HashMap<>();
            for (String k : List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword")) {
                saved.put(k, System.getProperty(k));
            }
            System.setProperty("javax.net.ssl.trustStore", systemStore.toString());
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            try {
                try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT).toBuilder().trustCa(otherCa).build())) {
                    assertTrue(store.capabilities().contains("IMAP4REV1"));
                }
                TlsRefusedException misnamed = assertThrows(TlsRefusedException.class,
                        () -> ImapMailStore.connect(other.settings("alice", TlsMode.IMPLICIT).toBuilder().trustCa(aliceCa).build()).close());
                assertEquals(TlsRefusedException.Remedy.SKIP_VERIFICATION, misnamed.remedy(), misnamed.getMessage());
            } finally {
                saved.forEach((k, v) -> {
                    if (v == null) System.clearProperty(k);
                    else System.setProperty(k, v);
                });
            }
            // With the system's trust store as it was, neither trusts the server: refused, for want of trust.
            Path unrelatedCa = Files.copy(otherCa, tmp.resolve("unrelated.pem"));
            TlsRefusedException refused = assertThrows(TlsRefusedException.class,
                    () -> ImapMailStore.connect(alice(TlsMode.STARTTLS).toBuilder().trustCa(unrelatedCa).build()).close());
            assertEquals(TlsRefusedException.Remedy.TRUST_CERTIFICATE, refused.remedy());
        }
    }

    /** Connections share a TLS context per trust configuration; a CA file replaced meanwhile must not be left behind. */
    @Test
    void aCaFileReplacedWhileBegoneRunsIsTrustedFromTheNextConnection(@TempDir Path otherDir, @TempDir Path tmp) throws Exception {
        Path ca = tmp.resolve("ca.pem");
        try (Dovecot other = Dovecot.start(otherDir)) {
            Files.copy(other.certPem(), ca);
        }
        ImapSettings s = alice(TlsMode.IMPLICIT).toBuilder().trustCa(ca).build();
        TlsRefusedException refused = assertThrows(TlsRefusedException.class, () -> ImapMailStore.connect(s).close());
        assertEquals(TlsRefusedException.Remedy.TRUST_CERTIFICATE, refused.remedy());

        Files.copy(dovecot.certPem(), ca, StandardCopyOption.REPLACE_EXISTING);
        // A replacement within the file system's time granularity would look unchanged; a real one is seconds apart.
        Files.setLastModifiedTime(ca, FileTime.from(Instant.now().plusSeconds(2)));
        try (MailStore store = ImapMailStore.connect(s)) {
            assertTrue(store.capabilities().contains("IMAP4REV1"));
        }
    }

    @Test
    void insecureModeConnectsToUntrustedServer() throws Exception {
        for (TlsMode mode : TlsMode.values()) {
            try (MailStore store = ImapMailStore.connect(alice(mode).toBuilder().trustCa(null).insecure(true).build())) {
                assertTrue(store.capabilities().contains("IMAP4REV1"), mode.name());
            }
        }
    }

    @Test
    void starttlsIsRequiredUnderPlainPort() throws Exception {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.STARTTLS).toBuilder().trace(new PrintStream(trace, true,
                StandardCharsets.UTF_8)).build())) {
            store.listFolders();
        }
        String text = trace.toString(StandardCharsets.UTF_8);
        int starttls = text.indexOf(" STARTTLS\r\n") >= 0 ? text.indexOf(" STARTTLS\r\n") : text.indexOf(" STARTTLS\n");
        assertTrue(starttls > 0, "no STARTTLS command in trace:\n" + text);
        assertTrue(text.indexOf(" LIST ") > starttls, text);
    }

    @Test
    void serverWithoutStarttlsIsRefusedUnlessPlaintextAllowed() throws Exception {
        ImapSettings s = plainAlice().toBuilder().allowPlaintext(false).build();
        TlsRefusedException e = assertThrows(TlsRefusedException.class, () -> ImapMailStore.connect(s).close());
        assertEquals("server 127.0.0.1:" + s.port() + " does not offer STARTTLS; refusing to send the password in"
                + " clear", e.getMessage());
        assertEquals(TlsRefusedException.Remedy.ALLOW_PLAINTEXT, e.remedy());
        try (MailStore store = ImapMailStore.connect(s.toBuilder().allowPlaintext(true).build())) {
            assertTrue(store.capabilities().contains("IMAP4REV1"));
        }
    }

    @Test
    void passwordNeverAppearsInTrace() throws Exception {
        for (ImapSettings s : List.of(alice(TlsMode.IMPLICIT), alice(TlsMode.STARTTLS), plainAlice())) {
            ByteArrayOutputStream trace = new ByteArrayOutputStream();
            try (MailStore store = ImapMailStore.connect(s.toBuilder().trace(new PrintStream(trace, true, StandardCharsets.UTF_8)).build())) {
                store.listFolders();
            }
            String text = trace.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("LIST"), "trace is empty or lacks the dialogue:\n" + text);
            String plainSasl = Base64.getEncoder().encodeToString("\0alice\0alicepw".getBytes(StandardCharsets.UTF_8));
            String loginSasl = Base64.getEncoder().encodeToString("alicepw".getBytes(StandardCharsets.UTF_8));
            for (String secret : List.of("alicepw", plainSasl, loginSasl)) {
                assertFalse(text.contains(secret), "trace holds " + secret + ":\n" + text);
            }
        }
    }

    @Test
    void fetchNeverSetsSeen(TestInfo info) throws Exception {
        String folder = folderFor(info);
        byte[] raw = message("seen-1@example.com", "not yet read");
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            store.create(folder);
            long uid = store.append(folder, raw, Set.of(), null);
            try (MailStore.OpenFolder f = store.open(folder, false)) {
                List<FetchedMessage> first = f.fetch(UidSet.of(uid));
                assertEquals(1, first.size());
                assertArrayEquals(raw, first.get(0).raw());
                assertEquals(raw.length, first.get(0).size());
                assertEquals(Set.of(), first.get(0).flags());
                assertEquals(Set.of(), f.fetch(UidSet.of(uid)).get(0).flags());
                assertEquals(UidSet.of(uid), f.search(SearchCriteria.all()));
            }
        }
    }

    @Test
    void moveReportsCopyUid(TestInfo info) throws Exception {
        String source = folderFor(info);
        String dest = source + "-dest";
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            assertTrue(store.supportsMove());
            store.create(source);
            store.create(dest);
            long a = store.append(source, message("m1@example.com", "one"), Set.of(), null);
            long b = store.append(source, message("m2@example.com", "two"), Set.of(), null);
            long c = store.append(source, message("m3@example.com", "three"), Set.of(), null);
            long destValidity;
            try (MailStore.OpenFolder d = store.open(dest, true)) {
                destValidity = d.uidValidity();
            }
            try (MailStore.OpenFolder f = store.open(source, false)) {
                CopyResult moved = f.move(UidSet.of(a, c), dest);
                assertEquals(new CopyResult(destValidity, UidSet.of(a, c), UidSet.of(1, 2)), moved);
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all()));
                assertEquals(1, f.messageCount());
            }
            try (MailStore.OpenFolder d = store.open(dest, true)) {
                assertEquals(Map.of(1L, "<m1@example.com>", 2L, "<m3@example.com>"),
                        d.fetchHeader(UidSet.range(1, 2), "Message-ID"));
            }
        }
    }

    @Test
    void copyThenUidExpungeRemovesOnlyThoseUids(TestInfo info) throws Exception {
        String source = folderFor(info);
        String dest = source + "-dest";
        try (MailStore store = ImapMailStore.connect(plainAlice());
                MailStore other = ImapMailStore.connect(plainAlice())) {
            assertFalse(store.supportsMove());
            store.create(source);
            store.create(dest);
            long a = store.append(source, message("c1@example.com", "one"), Set.of(), null);
            long b = store.append(source, message("c2@example.com", "two"), Set.of(), null);
            long c = store.append(source, message("c3@example.com", "three"), Set.of(), null);
            try (MailStore.OpenFolder byOther = other.open(source, false)) {
                byOther.addFlags(UidSet.of(c), Set.of("\\Deleted"));
            }
            try (MailStore.OpenFolder f = store.open(source, false)) {
                CopyResult copied = f.copy(UidSet.of(a, b), dest);
                assertEquals(UidSet.of(a, b), copied.sourceUids());
                assertEquals(2, copied.destUids().size());
                f.addFlags(UidSet.of(a, b), Set.of("\\Deleted"));
                f.uidExpunge(UidSet.of(a, b));
                assertEquals(UidSet.of(c), f.search(SearchCriteria.all()));
                assertEquals(UidSet.of(), f.search(SearchCriteria.all().undeleted()));
            }
            try (MailStore.OpenFolder d = store.open(dest, true)) {
                assertEquals(copied(d), Set.of("<c1@example.com>", "<c2@example.com>"));
            }
        }
    }

    private static Set<String> copied(MailStore.OpenFolder d) throws MailStoreException {
        return Set.copyOf(d.fetchHeader(d.search(SearchCriteria.all()), "message-id").values());
    }

    @Test
    void appendKeepsInternalDateAndFlags(TestInfo info) throws Exception {
        String folder = folderFor(info);
        Instant when = Instant.parse("2021-03-04T05:06:07Z");
        Set<String> flags = Set.of("\\Flagged", "\\Seen", "\\Answered", "$Junk");
        byte[] raw = message("append@example.com", "dated");
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            store.create(folder);
            long uid = store.append(folder, raw, flags, when);
            assertTrue(uid > 0);
            try (MailStore.OpenFolder f = store.open(folder, true)) {
                FetchedMessage m = f.fetch(UidSet.of(uid)).get(0);
                assertEquals(uid, m.uid());
                assertEquals(when, m.internalDate());
                assertEquals(flags, m.flags());
                assertArrayEquals(raw, m.raw());
            }
        }
    }

    @Test
    void searchHonoursSizeFlagHeaderAndUidBounds(TestInfo info) throws Exception {
        String folder = folderFor(info);
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            store.create(folder);
            byte[] small = message("s@example.com", "small");
            byte[] big = message("b@example.com", "big", "x".repeat(5000));
            long s = store.append(folder, small, Set.of(), null);
            long b = store.append(folder, big, Set.of("\\Flagged"), null);
            long d = store.append(folder, message("d@example.com", "gone"), Set.of("\\Deleted"), null);
            try (MailStore.OpenFolder f = store.open(folder, true)) {
                assertEquals(UidSet.of(s, b, d), f.search(SearchCriteria.all()));
                assertEquals(UidSet.of(s, d), f.search(SearchCriteria.all().maxSize(big.length - 1)));
                assertEquals(UidSet.of(s, b, d), f.search(SearchCriteria.all().maxSize(big.length)));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().flagged(true)));
                assertEquals(UidSet.of(s), f.search(SearchCriteria.all().flagged(false).undeleted()));
                assertEquals(UidSet.of(b, d), f.search(SearchCriteria.all().fromUid(b)));
                assertEquals(UidSet.of(), f.search(SearchCriteria.all().fromUid(d + 1)));
                assertEquals(UidSet.of(s, d), f.search(SearchCriteria.all().excluding(UidSet.of(b))), "UIDs handled before are not asked for");
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().excluding(UidSet.of(s, d))));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().header("Message-ID", "b@example.com")));
                assertEquals(UidSet.of(), f.search(SearchCriteria.all().header("Subject", "Überprüft")));
            }
        }
    }

    @Test
    void specialUseFoldersAreListed() throws Exception {
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            assertEquals(Optional.of("Junk"), store.folderWithSpecialUse("\\Junk"));
            assertEquals(Optional.of("Trash"), store.folderWithSpecialUse("\\trash"));
            assertEquals(Optional.empty(), store.folderWithSpecialUse("\\Archive"));
            FolderInfo junk = store.listFolders().stream().filter(f -> f.name().equals("Junk")).findFirst().orElseThrow();
            assertEquals('/', junk.delimiter());
            assertTrue(junk.hasAttribute("\\Junk"), junk.toString());
        }
    }

    @Test
    void modifiedUtf7FolderNamesAreDecoded() throws Exception {
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            for (String name : List.of("Spam/Überprüft", "Résumé & 日本")) {
                assertFalse(store.exists(name));
                store.create(name);
                assertTrue(store.exists(name), name);
                long uid = store.append(name, message("utf7@example.com", "x"), Set.of(), null);
                try (MailStore.OpenFolder f = store.open(name, false)) {
                    assertEquals(name, f.name());
                    CopyResult copy = f.copy(UidSet.of(uid), name);
                    assertEquals(UidSet.of(uid), copy.sourceUids());
                }
            }
            Set<String> names = store.listFolders().stream().map(FolderInfo::name).collect(Collectors.toSet());
            assertTrue(names.containsAll(Set.of("Spam", "Spam/Überprüft", "Résumé & 日本")), names.toString());
        }
    }

    @Test
    void droppedConnectionGivesMailStoreException(TestInfo info) throws Exception {
        String folder = folderFor(info);
        try (FaultProxy proxy = FaultProxy.start(plain.imapPort(), FaultProxy.Policy.pass());
                MailStore store = ImapMailStore.connect(ImapSettings.builder("127.0.0.1", proxy.port(), "alice",
                        Secret.of("alicepw"), TlsMode.STARTTLS).allowPlaintext(true).timeout(java.time.Duration.ofSeconds(20))
                        .build())) {
            store.create(folder);
            long uid = store.append(folder, message("drop@example.com", "x"), Set.of(), null);
            MailStore.OpenFolder f = store.open(folder, false);
            proxy.policy(FaultProxy.Policy.dropWhenClientSends("UID EXPUNGE"));
            f.addFlags(UidSet.of(uid), Set.of("\\Deleted"));
            MailStoreException e = assertThrows(MailStoreException.class, () -> f.uidExpunge(UidSet.of(uid)));
            assertTrue(e.getMessage().startsWith("UID EXPUNGE in " + folder + " on 127.0.0.1:" + proxy.port()
                    + " failed: "), e.getMessage());
            assertFalse(e.getMessage().contains("alicepw"));
            assertEquals(1, proxy.drops());
        }
        try (MailStore store = ImapMailStore.connect(plainAlice());
                MailStore.OpenFolder f = store.open(folder, true)) {
            assertEquals(1, f.messageCount(), "the expunge never reached the server");
        }
    }

    @Test
    void connectionDroppedMidFetchGivesMailStoreException(TestInfo info) throws Exception {
        String folder = folderFor(info);
        try (MailStore store = ImapMailStore.connect(plainAlice())) {
            store.create(folder);
            store.append(folder, message("big@example.com", "big", "y".repeat(200_000)), Set.of(), null);
        }
        try (FaultProxy proxy = FaultProxy.start(plain.imapPort(), FaultProxy.Policy.pass());
                MailStore store = ImapMailStore.connect(ImapSettings.builder("127.0.0.1", proxy.port(), "alice",
                        Secret.of("alicepw"), TlsMode.STARTTLS).allowPlaintext(true).timeout(java.time.Duration.ofSeconds(20))
                        .build());
                MailStore.OpenFolder f = store.open(folder, true)) {
            proxy.policy(FaultProxy.Policy.dropAfterBytesFromServer(50_000));
            MailStoreException e = assertThrows(MailStoreException.class, () -> f.fetch(UidSet.of(1)));
            assertTrue(e.getMessage().startsWith("UID FETCH in " + folder), e.getMessage());
            assertEquals(1, proxy.drops());
        }
    }

    @Test
    void statusTellsWhereTheNextCopiesWillLandWithoutSelectingTheFolder(TestInfo info) throws Exception {
        String folder = folderFor(info);
        try (MailStore store = ImapMailStore.connect(plainAlice())) {
            store.create(folder);
            long first = store.append(folder, message("s1@example.com", "one"), Set.of(), null);
            FolderStatus before = store.status(folder);
            long second = store.append(folder, message("s2@example.com", "two"), Set.of(), null);
            assertEquals(second, before.uidNext(), "the next message gets the UIDNEXT STATUS reported");
            assertTrue(second > first);
            try (MailStore.OpenFolder f = store.open(folder, true)) {
                assertEquals(f.uidValidity(), before.uidValidity());
                assertEquals(new FolderStatus(f.uidValidity(), second + 1), store.status(folder),
                        "STATUS works while another folder (this one, even) is open");
            }
        }
    }

    @Test
    void aFolderThatIsGoneIsARefusalNotALostConnection(TestInfo info) throws Exception {
        try (MailStore store = ImapMailStore.connect(plainAlice())) {
            String gone = folderFor(info) + "-never-created";
            MailStoreException status = assertThrows(MailStoreException.class, () -> store.status(gone));
            assertTrue(status.refused(), status.getMessage());
            MailStoreException open = assertThrows(MailStoreException.class, () -> store.open(gone, false));
            assertTrue(open.refused(), open.getMessage());
        }
    }

    @Test
    void aDroppedConnectionIsNoRefusal(TestInfo info) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(plain.imapPort(), FaultProxy.Policy.pass());
                MailStore store = ImapMailStore.connect(ImapSettings.builder("127.0.0.1", proxy.port(), "alice",
                        Secret.of("alicepw"), TlsMode.STARTTLS).allowPlaintext(true).timeout(java.time.Duration.ofSeconds(20))
                        .build())) {
            proxy.policy(FaultProxy.Policy.dropWhenClientSends("STATUS"));
            MailStoreException e = assertThrows(MailStoreException.class, () -> store.status("INBOX"));
            assertFalse(e.refused(), e.getMessage());
        }
    }

    @Test
    void dovecotWithoutMoveIsReportedSo() throws Exception {
        try (MailStore store = ImapMailStore.connect(plainAlice())) {
            assertFalse(store.supportsMove(), store.capabilities().toString());
            assertTrue(store.supportsUidPlus());
        }
        try (MailStore store = ImapMailStore.connect(alice(TlsMode.IMPLICIT))) {
            assertTrue(store.supportsMove());
        }
    }
}
