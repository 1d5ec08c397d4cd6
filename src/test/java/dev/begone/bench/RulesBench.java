package dev.begone.bench;

import dev.begone.config.Destination;
import dev.begone.config.Filing;
import dev.begone.config.RoutingRule;
import dev.begone.rules.Decision;
import dev.begone.rules.DeliveryRules;
import dev.begone.rules.DuplicateLog;
import dev.begone.rules.MessageHeaders;
import dev.begone.rules.Reason;
import dev.begone.testing.Rounds;
import dev.begone.testing.SharedCorpus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * bench/rules: the routing rules' throughput on one thread, issue 9's figure. 1,000 generated rules over a realistic
 * mix of headers (most matching nothing, a few taken from the messages so that some do) run over 10,000 messages,
 * the header block of each parsed in the timed loop. Messages come from the SpamAssassin corpus (cycled to 10,000;
 * the mbox {@code From } line stripped, CRLF line ends as IMAP serves them), else are generated. Prints messages and rules per second, by the wall clock
 * and by the thread's CPU time ({@link Rounds}), min/median/max over 7 measured rounds after 3 warm-up rounds; then,
 * for scale, parsing alone and plain first-match without the index.
 * Asserts nothing. Args: [CORPUS_DIR].
 */
public final class RulesBench {
    private static final int RULES = 1_000;
    private static final int MESSAGES = 10_000;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int MEASURED_ROUNDS = 7;
    private static final long SEED = 20261203L;

    /** Header names in rules, as often as users route on them. */
    private static final String[] HEADERS = {
        "Subject", "Subject", "Subject", "Subject", "Subject", "Subject", "From", "From", "From", "From", "From",
        "To", "To", "List-Id", "List-Id", "Sender", "Reply-To", "X-Mailer", "Cc", "Received", "Return-Path",
        "From,Sender", "Subject,X-Subject", "X-Spam-Flag", "Delivered-To", "X-Loop",
    };
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "net", "ser", "tra", "vo", "pix", "dan", "ru", "qu", "zen", "bel", "or"};
    private static final String[] TLDS = {"com", "org", "net", "de", "io", "example"};

    private RulesBench() {}

    public static void main(String[] args) throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Random random = new Random(SEED);
        Path corpus = Path.of(args.length > 0 ? args[0] : "../shared/corpus/spamassassin-public");
        List<byte[]> messages = Files.isRegularFile(corpus.resolve("labels.tsv")) ? corpusMessages(corpus) : generatedMessages(random);
        String source = Files.isRegularFile(corpus.resolve("labels.tsv")) ? "corpus " + corpus.toAbsolutePath().normalize() : "generated";
        List<RoutingRule> rules = rules(random, messages);
        DeliveryRules engine = DeliveryRules.compile(
                new Filing(new Filing.Routing(rules, false, List.of()), Filing.Senders.NONE, Optional.empty(), Filing.Levels.NONE), Set.of());
        long headerBytes = 0;
        for (byte[] m : messages) headerBytes += headerLength(m);
        System.out.printf(Locale.ROOT, "bench: %d messages (%s), mean header block %d bytes; %d rules on %d header names; cores %d%n",
                messages.size(), source, headerBytes / messages.size(), rules.size(),
                rules.stream().flatMap(r -> r.headers().stream()).map(h -> h.toLowerCase(Locale.ROOT)).distinct().count(),
                Runtime.getRuntime().availableProcessors());

        long[] considered = new long[1]; // rules considered up to the first match, in the last round
        int[] routed = new int[1];
        Rounds.Rates rates = Rounds.measure(WARM_UP_ROUNDS, MEASURED_ROUNDS, messages.size(), "", () -> {
            considered[0] = 0;
            routed[0] = 0;
            for (byte[] m : messages) {
                int rule = ruleNumber(engine.beforeClassifier(MessageHeaders.parse(m), DuplicateLog.EMPTY));
                if (rule > 0) routed[0]++;
                considered[0] += rule > 0 ? rule : RULES;
            }
        });
        double rulesPerMessage = (double) considered[0] / messages.size();
        System.out.printf(Locale.ROOT, "routed %d of %d messages (%.1f %%); rules considered per message (up to the first match): %.1f%n",
                routed[0], messages.size(), 100.0 * routed[0] / messages.size(), rulesPerMessage);
        summary("wall clock", rates.wall(), rulesPerMessage);
        summary("CPU time", rates.cpu(), rulesPerMessage);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        parseOnly(messages, threads);
        plainFirstMatch(messages, rules, threads);
        System.out.printf(Locale.ROOT, "load average (1 min) before %.2f, after %.2f%n", loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void summary(String clock, double[] rates, double rulesPerMessage) {
        System.out.printf(Locale.ROOT, "throughput (%s): %s; rules evaluated: median %.2f million/s (goal: min >= 50000 msgs/s)%n",
                clock, Rounds.spread(rates), Rounds.median(rates) * rulesPerMessage / 1e6);
    }

    /** For scale: the header parsing alone, the same messages, best of 3 after a warm-up. */
    private static void parseOnly(List<byte[]> messages, ThreadMXBean threads) {
        double best = 0;
        for (int round = 0; round < 4; round++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            int fields = 0;
            for (byte[] m : messages) fields += MessageHeaders.parse(m).size();
            double rate = messages.size() / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
            if (round > 0) best = Math.max(best, rate);
            if (fields == 0) System.out.println("no fields parsed");
        }
        System.out.printf(Locale.ROOT, "header parsing alone (CPU time, best of 3): %.0f msgs/s%n", best);
    }

    /** For scale: every rule's expression tried in order on every value, as without the index; 1,000 messages, one round after a warm-up. */
    private static void plainFirstMatch(List<byte[]> messages, List<RoutingRule> rules, ThreadMXBean threads) {
        List<Pattern> patterns = rules.stream().map(r -> Pattern.compile(r.pattern(), RoutingRule.PATTERN_FLAGS)).toList();
        List<byte[]> sample = messages.subList(0, Math.min(1_000, messages.size()));
        double rate = 0;
        for (int round = 0; round < 2; round++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            int routed = 0;
            for (byte[] m : sample) {
                MessageHeaders h = MessageHeaders.parse(m);
                search:
                for (int r = 0; r < rules.size(); r++) {
                    for (String name : rules.get(r).headers()) {
                        for (String v : h.values(name)) {
                            if (patterns.get(r).matcher(v).find()) {
                                routed++;
                                break search;
                            }
                        }
                    }
                }
            }
            rate = sample.size() / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
            if (routed < 0) System.out.println("impossible");
        }
        System.out.printf(Locale.ROOT, "plain first match without the index (CPU time): %.0f msgs/s%n", rate);
    }

    private static int ruleNumber(Decision d) {
        for (Reason r : d.reasons()) if (r instanceof Reason.Rule rule) return rule.number();
        return 0;
    }

    // ---- messages ----

    private static List<byte[]> corpusMessages(Path corpus) throws Exception {
        List<byte[]> distinct = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("labels.tsv"), StandardCharsets.UTF_8)) {
            if (!line.contains("\t")) continue;
            distinct.add(SharedCorpus.forAppend(Files.readAllBytes(corpus.resolve(line.split("\t")[0]))));
        }
        List<byte[]> out = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) out.add(distinct.get(i % distinct.size()).clone()); // own copies: no shared cache lines
        return out;
    }

    private static List<byte[]> generatedMessages(Random r) {
        List<byte[]> out = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            StringBuilder m = new StringBuilder();
            String from = word(r) + "@" + domain(r);
            m.append("Return-Path: <").append(from).append(">\r\n");
            for (int k = 0; k < 2 + r.nextInt(4); k++) {
                m.append("Received: from ").append(domain(r)).append(" (").append(domain(r)).append(" [10.").append(r.nextInt(256))
                        .append('.').append(r.nextInt(256)).append(".1])\r\n\tby mx.").append(domain(r))
                        .append(" (Postfix) with ESMTP id ").append(Long.toHexString(r.nextLong())).append("\r\n\tfor <alice@example.org>; Tue, 1 Jul 2025 10:0")
                        .append(k).append(":00 +0000\r\n");
            }
            m.append("From: ").append(capitalised(word(r))).append(" <").append(from).append(">\r\n");
            m.append("To: alice@example.org\r\n");
            if (r.nextInt(5) == 0) m.append("Cc: ").append(word(r)).append('@').append(domain(r)).append("\r\n");
            m.append("Subject: ").append(r.nextInt(4) == 0 ? "Re: " : "").append(capitalised(word(r))).append(' ').append(word(r))
                    .append(' ').append(word(r)).append(' ').append(r.nextInt(1000)).append("\r\n");
            m.append("Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nMessage-ID: <").append(Long.toHexString(r.nextLong())).append('@')
                    .append(domain(r)).append(">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n");
            if (r.nextInt(3) == 0) m.append("List-Id: ").append(word(r)).append(" <").append(word(r)).append(".lists.").append(domain(r)).append(">\r\n");
            if (r.nextInt(2) == 0) m.append("X-Mailer: ").append(capitalised(word(r))).append("Mail ").append(r.nextInt(9)).append('.').append(r.nextInt(9)).append("\r\n");
            m.append("\r\n");
            for (int k = 0; k < 5 + r.nextInt(20); k++) m.append(word(r)).append(' ').append(word(r)).append(' ').append(word(r)).append("\r\n");
            out.add(m.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    // ---- rules ----

    /** 1,000 rules: varied kinds of pattern over common headers; about 2 % (not on Received) built from the messages' own values. */
    private static List<RoutingRule> rules(Random r, List<byte[]> messages) {
        List<RoutingRule> rules = new ArrayList<>(RULES);
        for (int k = 0; k < RULES; k++) {
            String headers = HEADERS[r.nextInt(HEADERS.length)];
            String pattern = r.nextInt(50) == 0 && !headers.equals("Received") ? fromAMessage(r, messages, headers) : pattern(r, headers);
            String target = r.nextInt(20) == 0 ? "DROP" : "folders/" + word(r);
            rules.add(new RoutingRule(List.of(headers.split(",")), pattern,
                    target.equals("DROP") ? new Destination.Drop() : new Destination.Folder(target), "bench:" + (k + 1)));
        }
        return rules;
    }

    private static String pattern(Random r, String headers) {
        String w = word(r);
        String d = domain(r).replace(".", "\\.");
        return switch (r.nextInt(12)) {
            case 0 -> ".*@" + d;
            case 1 -> "^" + w + "\\." + word(r) + "@";
            case 2 -> "\\[" + w + "-" + r.nextInt(100) + "\\]";
            case 3 -> w + " " + word(r) + " report";
            case 4 -> "invoice #\\d+ from " + w;
            case 5 -> "(urgent|important): " + w;
            case 6 -> "<" + w + "\\.lists\\." + d + ">";
            case 7 -> "^" + capitalised(w) + "Mail \\d+\\.\\d+";
            case 8 -> w + "-" + r.nextInt(100) + "|" + word(r) + "-" + r.nextInt(100); // no single literal: always tried
            case 9 -> "noreply@" + d;
            case 10 -> "^(re|fwd):\\s*" + w + "$";
            default -> w + "[0-9]{2,4}" + word(r);
        };
    }

    /** A literal from a message's own header named in the rule (or a Subject word), so that some rules match. */
    private static String fromAMessage(Random r, List<byte[]> messages, String headers) {
        MessageHeaders h = MessageHeaders.parse(messages.get(r.nextInt(messages.size())));
        for (String name : headers.split(",")) {
            List<String> values = h.values(name);
            if (values.isEmpty()) continue;
            String v = values.get(0);
            String[] words = v.split("[^A-Za-z0-9@.-]+");
            for (int tries = 0; tries < 10 && words.length > 0; tries++) {
                String w = words[r.nextInt(words.length)];
                if (w.length() >= 5) return w.replace(".", "\\."); // letters, digits, @ and - stand for themselves
            }
        }
        return pattern(r, headers);
    }

    private static String word(Random r) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 2 + r.nextInt(2); k++) b.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
        return b.toString();
    }

    private static String domain(Random r) {
        return word(r) + "." + TLDS[r.nextInt(TLDS.length)];
    }

    private static String capitalised(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    private static int headerLength(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) return i + 1;
        }
        return m.length;
    }
}
