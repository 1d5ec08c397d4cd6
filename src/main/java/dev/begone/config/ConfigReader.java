package dev.begone.config;

import dev.begone.config.Filing.Duplicates;
import dev.begone.config.Filing.Level;
import dev.begone.config.Housekeeping.Archive;
import dev.begone.config.Housekeeping.Retention;
import dev.begone.config.Yaml.Mapping;
import dev.begone.config.Yaml.Value;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** Binds the YAML tree to the records, key by key, so that each problem is reported where it was written. */
final class ConfigReader {
    /** Account keys whose mappings inherit from {@code defaults:} key by key; every other key is replaced whole. */
    private static final Set<String> INHERITED_KEY_BY_KEY = Set.of("imap", "folders", "training");
    private static final String PASSWORD_FORMS = "{command: CMD}, {env: VAR}, {file: PATH} or {keyring: \"SERVICE ACCOUNT\"}";

    private final Path dir;
    private final Map<String, String> env;
    private final boolean ownerOnly;

    /**
     * @param dir       relative paths in the file are relative to its directory
     * @param ownerOnly whether the file is readable by its owner only, which an inline password requires
     */
    ConfigReader(Path dir, Map<String, String> env, boolean ownerOnly) {
        this.dir = dir;
        this.env = env;
        this.ownerOnly = ownerOnly;
    }

    Configuration read(Path file, Value root) throws ConfigException {
        Mapping top = root.mapping().keys("defaults", "accounts", "metrics");
        Mapping defaults = null;
        Optional<Value> d = top.get("defaults");
        if (d.isPresent() && !d.get().isNull()) {
            defaults = d.get().mapping();
            // Read through an account's view only, so here just the one key that cannot be inherited.
            Optional<Value> name = defaults.keys(ACCOUNT_KEYS).get("name");
            if (name.isPresent()) throw name.get().error("expected in each account, not in defaults");
        }
        List<Value> list = top.require("accounts", "a list of accounts").list();
        if (list.isEmpty()) throw top.require("accounts", "").error("expected at least one account");
        List<AccountConfig> accounts = new ArrayList<>();
        Map<String, Value> names = new HashMap<>();
        for (Value v : list) {
            if (!v.isMapping()) throw v.error("expected an account (a mapping with name, imap, ...), got " + v.kind());
            Mapping m = new Mapping(v, defaults, INHERITED_KEY_BY_KEY).keys(ACCOUNT_KEYS);
            Value nameValue = m.require("name", "the account's name");
            AccountConfig a = account(m, nameValue.parsed(AccountConfig::checkName));
            Value earlier = names.putIfAbsent(a.name(), nameValue);
            if (earlier != null) {
                throw nameValue.error("expected a name no other account has; " + earlier.path() + " on line " + earlier.line() + " is also " + a.name());
            }
            accounts.add(a);
        }
        Optional<Configuration.Metrics> metrics = Optional.empty();
        Optional<Value> mv = top.get("metrics");
        if (mv.isPresent()) {
            Mapping mm = mv.get().mapping().keys("listen");
            metrics = Optional.of(new Configuration.Metrics(mm.require("listen", "HOST:PORT").parsed(s -> Address.parse(s, 9154))));
        }
        return new Configuration(file, accounts, metrics);
    }

    /** Every key an account (or {@code defaults:}) may hold. */
    static final String[] ACCOUNT_KEYS = {
        "name", "imap", "folders", "partial-run", "max-size", "periodic-minutes", "poll-seconds",
        "classifier", "spamd", "rspamd", "rspamd-controller", "rspamd-password-file", "rspamd-threshold", "jobs",
        "rules", "rules-file", "tagged-addresses", "no-spam-check", "levels", "unsure", "allow", "deny", "duplicates",
        "retention", "archive", "training"
    };

    private AccountConfig account(Mapping m, String name) throws ConfigException {
        ImapConfig imap = imap(m.require("imap", "the IMAP server: host, user, password").mapping());
        Folders folders = folders(m.get("folders"));
        Limits limits = new Limits(
                (int) intOr(m.get("partial-run"), 0, Integer.MAX_VALUE, Limits.DEFAULT.partialRun()),
                intOr(m.get("max-size"), 1, Long.MAX_VALUE, Limits.DEFAULT.maxSize()));
        long periodicMinutes = intOr(m.get("periodic-minutes"), 1, Schedule.MAX_PERIODIC_MINUTES, Schedule.DEFAULT.periodic().toMinutes());
        long pollSeconds = intOr(m.get("poll-seconds"), 1, Schedule.MAX_POLL_SECONDS, Schedule.DEFAULT.poll().toSeconds());
        Schedule schedule = new Schedule(Duration.ofMinutes(periodicMinutes), Duration.ofSeconds(pollSeconds));
        return new AccountConfig(name, imap, folders, limits, schedule, classifier(m), filing(m), housekeeping(m),
                training(m.get("training")));
    }

    private ImapConfig imap(Mapping m) throws ConfigException {
        m.keys("host", "port", "tls", "ca", "user", "password");
        String host = m.require("host", "the IMAP server's host name").parsed(Address::checkHost);
        ImapConfig.Tls tls = ImapConfig.Tls.IMPLICIT;
        Optional<Value> t = m.get("tls");
        if (t.isPresent()) tls = ImapConfig.Tls.of(t.get().oneOf("implicit", "starttls", "plaintext"));
        int port = (int) intOr(m.get("port"), 1, 65535, tls.defaultPort());
        Optional<Path> ca = Optional.empty();
        Optional<Value> c = m.get("ca");
        if (c.isPresent()) {
            if (tls == ImapConfig.Tls.PLAINTEXT) throw c.get().error("expected no ca with tls: plaintext (trust matters only with TLS)");
            ca = Optional.of(path(c.get()));
        }
        String user = m.require("user", "the login name").word();
        PasswordRef password = password(m.require("password", PASSWORD_FORMS));
        return new ImapConfig(host, port, tls, ca, user, password);
    }

    private PasswordRef password(Value v) throws ConfigException {
        if (v.isScalar()) {
            if (!ownerOnly) {
                throw v.error("expected " + PASSWORD_FORMS + "; a password written here needs the file to be readable by "
                        + "its owner only (chmod 600 " + v.file() + ")");
            }
            return new PasswordRef.Inline(v.text());
        }
        if (!v.isMapping()) throw v.error("expected " + PASSWORD_FORMS + ", got " + v.kind());
        Mapping m = v.mapping().keys("command", "env", "file", "keyring");
        List<PasswordRef> refs = new ArrayList<>();
        Optional<Value> x = m.get("command");
        if (x.isPresent()) refs.add(new PasswordRef.Command(x.get().word()));
        x = m.get("env");
        if (x.isPresent()) refs.add(x.get().parsed(PasswordRef.Env::new));
        x = m.get("file");
        if (x.isPresent()) refs.add(new PasswordRef.File(path(x.get())));
        x = m.get("keyring");
        if (x.isPresent()) refs.add(x.get().parsed(PasswordRef.Keyring::parse));
        if (refs.size() != 1) throw v.error("expected exactly one of " + PASSWORD_FORMS);
        return refs.get(0);
    }

    private Folders folders(Optional<Value> v) throws ConfigException {
        if (v.isEmpty()) return new Folders(List.of("INBOX"), Optional.empty(), Optional.empty());
        Mapping m = v.get().mapping().keys("scan", "spam", "trash");
        List<String> scan = m.get("scan").isPresent() ? folderList(m.get("scan").get()) : List.of("INBOX");
        if (scan.isEmpty()) throw m.get("scan").get().error("expected at least one folder to scan");
        Optional<String> spam = optionalWord(m.get("spam"));
        if (spam.isPresent() && scan.contains(spam.get())) {
            throw m.get("spam").get().error("expected a folder that is not scanned; " + spam.get() + " is also in scan");
        }
        return new Folders(scan, spam, optionalWord(m.get("trash")));
    }

    private ClassifierConfig classifier(Mapping m) throws ConfigException {
        ClassifierConfig d = ClassifierConfig.DEFAULT;
        List<String> names = d.names();
        Optional<Value> c = m.get("classifier");
        if (c.isPresent()) {
            names = List.of(c.get().word().split("\\+", -1));
            for (String n : names) {
                if (!ClassifierConfig.KNOWN.contains(n)) {
                    throw c.get().error("expected builtin, spamd, spamassassin or rspamd, or several joined by +, got '" + c.get().text() + "'");
                }
            }
            if (Set.copyOf(names).size() != names.size()) throw c.get().error("expected each classifier once, got '" + c.get().text() + "'");
        }
        Address spamd = d.spamd();
        Optional<Value> s = m.get("spamd");
        if (s.isPresent()) spamd = s.get().parsed(x -> Address.parse(x, 783));
        ClassifierConfig.Rspamd r = d.rspamd();
        URI url = url(m.get("rspamd"), r.url());
        URI controller = url(m.get("rspamd-controller"), r.controller());
        Optional<Path> passwordFile = m.get("rspamd-password-file").isPresent()
                ? Optional.of(path(m.get("rspamd-password-file").get())) : Optional.empty();
        OptionalDouble threshold = m.get("rspamd-threshold").isPresent()
                ? OptionalDouble.of(m.get("rspamd-threshold").get().number()) : OptionalDouble.empty();
        int jobs = (int) intOr(m.get("jobs"), 1, 256, d.jobs());
        return new ClassifierConfig(names, spamd, new ClassifierConfig.Rspamd(url, controller, passwordFile, threshold), jobs);
    }

    private Filing filing(Mapping m) throws ConfigException {
        List<RoutingRule> rules = new ArrayList<>();
        Optional<Value> r = m.get("rules");
        if (r.isPresent()) {
            for (Value v : r.get().listOrOne()) {
                String origin = v.file() + ":" + v.line();
                String text = v.text();
                rules.add(parsedRule(v, () -> RuleSyntax.parse(text, origin)));
            }
        }
        Optional<Value> rf = m.get("rules-file");
        if (rf.isPresent()) rules.addAll(rulesFile(rf.get()));
        boolean tagged = m.get("tagged-addresses").isPresent() && m.get("tagged-addresses").get().bool();
        List<String> noSpamCheck = m.get("no-spam-check").isPresent() ? folderList(m.get("no-spam-check").get()) : List.of();
        Filing.Routing routing = new Filing.Routing(rules, tagged, noSpamCheck);
        Filing.Senders senders = new Filing.Senders(senderList(m.get("allow")), senderList(m.get("deny")));
        Optional<Duplicates> duplicates = m.get("duplicates").isPresent() ? Optional.of(duplicates(m.get("duplicates").get())) : Optional.empty();
        List<Level> levels = new ArrayList<>();
        Optional<Value> lv = m.get("levels");
        if (lv.isPresent()) {
            for (Value v : lv.get().list()) levels.add(level(v, levels.isEmpty() ? null : levels.get(levels.size() - 1)));
        }
        Optional<String> unsure = Optional.empty();
        Optional<Value> u = m.get("unsure");
        if (u.isPresent()) unsure = Optional.of(u.get().mapping().keys("folder").require("folder", "a folder").word());
        return new Filing(routing, senders, duplicates, new Filing.Levels(levels, unsure));
    }

    private interface RuleParse {
        RoutingRule parse();
    }

    private static RoutingRule parsedRule(Value at, RuleParse parse) throws ConfigException {
        try {
            return parse.parse();
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }

    /** One rule a line, {@code #} comments; a problem is reported at its line and column in that file. */
    private List<RoutingRule> rulesFile(Value v) throws ConfigException {
        Path file = path(v);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw v.error("expected a readable rules file; " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
        }
        List<RoutingRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            int indent = line.indexOf(s);
            try {
                rules.add(RuleSyntax.parse(s, file + ":" + (i + 1)));
            } catch (RuleSyntax.Problem p) {
                throw new ConfigException(file.toString(), i + 1, indent + p.offset + 1, "rule", p.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file.toString(), i + 1, indent + 1, "rule", e.getMessage());
            }
        }
        return rules;
    }

    private Level level(Value v, Level previous) throws ConfigException {
        Mapping m = v.mapping().keys("above", "folder", "action");
        Value aboveValue = m.require("above", "the score above which the level applies");
        double above = aboveValue.number();
        if (previous != null && above <= previous.above()) {
            throw aboveValue.error("expected levels in rising order, each above the one before (" + previous
                    + "), got " + aboveValue.text());
        }
        Optional<Value> folder = m.get("folder");
        Optional<Value> action = m.get("action");
        if (folder.isPresent() == action.isPresent()) throw v.error("expected either folder: NAME or action: drop|delete");
        Destination target = folder.isPresent() ? new Destination.Folder(folder.get().word())
                : action.get().oneOf("drop", "delete").equals("drop") ? new Destination.Drop() : new Destination.Delete();
        return new Level(above, target);
    }

    private Duplicates duplicates(Value v) throws ConfigException {
        Mapping m = v.mapping().keys("by", "within-days", "keep", "action");
        Duplicates.By by = Duplicates.By.MESSAGE_ID;
        if (m.get("by").isPresent() && m.get("by").get().oneOf("message-id", "body").equals("body")) by = Duplicates.By.BODY;
        int within = (int) intOr(m.get("within-days"), 1, 36_500, 14);
        Duplicates.Keep keep = Duplicates.Keep.FIRST;
        if (m.get("keep").isPresent() && m.get("keep").get().oneOf("first", "last").equals("last")) keep = Duplicates.Keep.LAST;
        Value a = m.require("action", "{folder: NAME}, drop or delete");
        Destination action;
        if (a.isMapping()) {
            action = new Destination.Folder(a.mapping().keys("folder").require("folder", "a folder").word());
        } else {
            action = a.oneOf("drop", "delete").equals("drop") ? new Destination.Drop() : new Destination.Delete();
        }
        return new Duplicates(by, within, keep, action);
    }

    private Housekeeping housekeeping(Mapping m) throws ConfigException {
        List<Retention> retention = new ArrayList<>();
        if (m.get("retention").isPresent()) {
            for (Value v : m.get("retention").get().list()) {
                Mapping r = v.mapping().keys("folder", "older-than-days", "action");
                Retention.Removal action = Retention.Removal.TRASH;
                if (r.get("action").isPresent() && r.get("action").get().oneOf("trash", "delete").equals("delete")) {
                    action = Retention.Removal.DELETE;
                }
                retention.add(new Retention(r.require("folder", "a folder").word(), days(r), action));
            }
        }
        List<Archive> archive = new ArrayList<>();
        if (m.get("archive").isPresent()) {
            for (Value v : m.get("archive").get().list()) {
                Mapping a = v.mapping().keys("folder", "older-than-days", "into");
                String folder = a.require("folder", "a folder").word();
                int days = days(a);
                String into = a.require("into", "the folder to move into, e.g. Archive/{year}/{month}").parsed(Archive::checkInto);
                archive.add(new Archive(folder, days, into));
            }
        }
        return new Housekeeping(retention, archive);
    }

    private static int days(Mapping m) throws ConfigException {
        return (int) m.require("older-than-days", "a number of days").integer(1, 36_500);
    }

    private Training training(Optional<Value> v) throws ConfigException {
        if (v.isEmpty()) return Training.NONE;
        Mapping m = v.get().mapping().keys("learn-spam", "learn-ham", "allow-sender", "allow-sender-to", "after", "errors",
                "undecodable", "from-moves");
        List<String> spam = m.get("learn-spam").isPresent() ? folderList(m.get("learn-spam").get()) : List.of();
        List<String> ham = m.get("learn-ham").isPresent() ? folderList(m.get("learn-ham").get()) : List.of();
        List<String> allowSender = m.get("allow-sender").isPresent() ? folderList(m.get("allow-sender").get()) : List.of();
        Training.After after = new Training.After.Stay();
        Optional<Value> a = m.get("after");
        if (a.isPresent()) {
            if (a.get().isMapping()) {
                Mapping am = a.get().mapping().keys("spam", "ham");
                if (am.get("spam").isEmpty() && am.get("ham").isEmpty()) throw a.get().error("expected spam: FOLDER, ham: FOLDER or both");
                after = new Training.After.Move(optionalWord(am.get("spam")), optionalWord(am.get("ham")));
            } else {
                after = a.get().oneOf("delete", "flag").equals("delete") ? new Training.After.Delete() : new Training.After.Flag();
            }
        }
        boolean fromMoves = m.get("from-moves").isPresent() && m.get("from-moves").get().bool();
        return new Training(spam, ham, allowSender, optionalWord(m.get("allow-sender-to")), after, optionalWord(m.get("errors")),
                optionalWord(m.get("undecodable")), fromMoves);
    }

    private static List<String> folderList(Value v) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (Value f : v.listOrOne()) out.add(f.word());
        return out;
    }

    /** Sender patterns: an address with {@code *} wildcards, such as {@code *@example.org}. */
    private static List<String> senderList(Optional<Value> v) throws ConfigException {
        List<String> out = new ArrayList<>();
        if (v.isEmpty()) return out;
        for (Value s : v.get().listOrOne()) {
            String p = s.word();
            if (p.indexOf('@') < 0 || p.chars().anyMatch(Character::isWhitespace)) {
                throw s.error("expected an address with * wildcards, such as *@example.org, got '" + p + "'");
            }
            out.add(p);
        }
        return out;
    }

    private static Optional<String> optionalWord(Optional<Value> v) throws ConfigException {
        return v.isPresent() ? Optional.of(v.get().word()) : Optional.empty();
    }

    private static long intOr(Optional<Value> v, long min, long max, long otherwise) throws ConfigException {
        return v.isPresent() ? v.get().integer(min, max) : otherwise;
    }

    private static URI url(Optional<Value> v, URI otherwise) throws ConfigException {
        if (v.isEmpty()) return otherwise;
        return v.get().parsed(s -> {
            try {
                return ClassifierConfig.Rspamd.checkUrl(new URI(s));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("expected an http:// or https:// URL, got '" + s + "' (" + e.getReason() + ")");
            }
        });
    }

    /** {@code ~/x} is under HOME; a relative path is relative to the configuration file's directory. */
    private Path path(Value v) throws ConfigException {
        String s = v.word();
        try {
            if (s.equals("~") || s.startsWith("~/")) {
                String home = env.get("HOME");
                if (home == null || home.isEmpty()) throw v.error("expected HOME to be set for a path starting with ~");
                return Path.of(home).resolve(s.equals("~") ? "" : s.substring(2));
            }
            if (s.startsWith("~")) throw v.error("expected ~/ or an absolute or relative path (~user is not supported)");
            return dir.resolve(s);
        } catch (InvalidPathException e) {
            throw v.error("expected a file path: " + e.getReason());
        }
    }
}
