package dev.begone.eval;

import dev.begone.classify.Label;
import dev.begone.classify.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes an evaluation as one self-contained HTML page: the numbers, the ROC curve on logit axes as the TREC spam
 * track plots it (ham misclassification across, spam misclassification up, 0.01% to 50%), and a histogram of the
 * log-odds of ham and spam. Inline SVG and CSS only: no scripts, no external resources.
 */
public final class HtmlReport {
    private static final double MIN_RATE = 1e-4;
    private static final double MAX_RATE = 0.5;
    private static final double[] TICKS = {0.0001, 0.001, 0.01, 0.1, 0.5};
    private static final String[] TICK_LABELS = {"0.01", "0.1", "1", "10", "50"};
    private static final String HAM_COLOUR = "#2b6cb0";
    private static final String SPAM_COLOUR = "#c53030";
    private static final String UNSURE_COLOUR = "#d69e2e";

    private HtmlReport() {}

    public static void write(EvaluationResult r, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, render(r), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String render(EvaluationResult r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String title = "begone evaluate: " + escape(r.classifier()) + " (order " + escape(r.order()) + ")";
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px 32px;color:#1a202c;background:#fff}\n")
                .append("h1{font-size:22px;margin:0 0 4px}p.sub{color:#4a5568;margin:0 0 18px}\n")
                .append(".row{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}\n")
                .append(".card{border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px}\n")
                .append(".card h2{font-size:15px;margin:0 0 8px;color:#2d3748}\n")
                .append("table{border-collapse:collapse;font-size:14px}td{padding:4px 10px;border-bottom:1px solid #edf2f7}\n")
                .append("td.v{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}\n")
                .append("td.k{color:#4a5568}\n")
                .append("svg text{font-family:inherit}\n")
                .append("</style></head><body>\n");
        h.append("<h1>").append(title).append("</h1>\n");
        h.append("<p class=\"sub\">").append(r.n()).append(" messages scored online (each scored, then learned with its true label). ")
                .append("Lower is better for every percentage.</p>\n");
        h.append("<div class=\"row\">\n");
        h.append("<div class=\"card\"><h2>ROC (logit scales, as TREC plots it)</h2>").append(rocSvg(r)).append("</div>\n");
        h.append("<div class=\"card\"><h2>Numbers</h2>").append(table(r)).append("</div>\n");
        h.append("</div>\n<div class=\"row\" style=\"margin-top:24px\">\n");
        h.append("<div class=\"card\"><h2>Score histogram (log-odds before learning)</h2>").append(histogramSvg(r)).append("</div>\n");
        h.append("</div>\n</body></html>\n");
        return h.toString();
    }

    private static String table(EvaluationResult r) {
        StringBuilder t = new StringBuilder("<table>");
        row(t, "messages", Integer.toString(r.n()));
        row(t, "spam", Integer.toString(r.spam()));
        row(t, "ham", Integer.toString(r.ham()));
        row(t, "1-ROCA %", pct(r.oneMinusRocaPercent()));
        row(t, "lam %", pct(r.lamPercent()));
        row(t, "sm % at hm 0.1 %", pct(r.smAtHm01Percent()));
        row(t, "hm % (own threshold)", pct(r.hmPercent()));
        row(t, "sm % (own threshold, unsure = missed)", pct(r.smPercent()));
        row(t, "ham left unsure %", pct(unsurePercent(r, Label.HAM, r.ham())));
        row(t, "spam left unsure %", pct(unsurePercent(r, Label.SPAM, r.spam())));
        row(t, "messages / s", String.format(Locale.ROOT, "%.0f", r.msgsPerSecond()));
        return t.append("</table>").toString();
    }

    private static double unsurePercent(EvaluationResult r, Label label, int total) {
        long n = r.messages().stream().filter(m -> m.label() == label && m.outcome() == Outcome.UNSURE).count();
        return total == 0 ? Double.NaN : 100.0 * n / total;
    }

    private static void row(StringBuilder t, String key, String value) {
        t.append("<tr><td class=\"k\">").append(escape(key)).append("</td><td class=\"v\">").append(value).append("</td></tr>");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String rocSvg(EvaluationResult r) {
        int w = 520, hgt = 460, left = 64, right = 16, top = 16, bottom = 52;
        int pw = w - left - right, ph = hgt - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, hgt, w, hgt));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7fafc\" stroke=\"#a0aec0\"/>", left, top, pw, ph));
        for (int i = 0; i < TICKS.length; i++) {
            double x = left + pw * axis(TICKS[i]);
            double y = top + ph * (1 - axis(TICKS[i]));
            s.append(line(x, top, x, top + ph, "#e2e8f0"));
            s.append(line(left, y, left + pw, y, "#e2e8f0"));
            s.append(text(x, top + ph + 18, TICK_LABELS[i], "middle", 12, "#4a5568"));
            s.append(text(left - 8, y + 4, TICK_LABELS[i], "end", 12, "#4a5568"));
        }
        s.append(text(left + pw / 2.0, hgt - 10, "% ham misclassified (logit scale)", "middle", 13, "#2d3748"));
        s.append(String.format(Locale.ROOT,
                "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\" font-size=\"13\" fill=\"#2d3748\">%% spam misclassified (logit scale)</text>",
                top + ph / 2.0, top + ph / 2.0));
        double hm01 = left + pw * axis(0.001);
        s.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#718096\" stroke-dasharray=\"4 4\"/>",
                hm01, top, hm01, top + ph));
        s.append(text(hm01 + 4, top + 14, "hm 0.1%", "start", 11, "#718096"));
        StringBuilder pts = new StringBuilder();
        for (double[] p : rocPoints(r.messages())) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + pw * axis(p[0]), top + ph * (1 - axis(p[1]))));
        }
        s.append(String.format(Locale.ROOT,
                "<svg x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"%d %d %d %d\" overflow=\"hidden\">"
                        + "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"%s\"/></svg>",
                left, top, pw, ph, left, top, pw, ph, SPAM_COLOUR, pts.toString().trim()));
        Band band = Band.of(r.messages());
        if (band != null) {
            // spam filed above the spam edge, ham below the ham edge; between them the unsure band
            double[] spamEdge = rates(r.messages(), band.spamFrom(), true);
            double[] hamEdge = rates(r.messages(), band.hamTo(), false);
            double sx = left + pw * axis(spamEdge[0]), sy = top + ph * (1 - axis(spamEdge[1]));
            double hx = left + pw * axis(hamEdge[0]), hy = top + ph * (1 - axis(hamEdge[1]));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"6\" stroke-opacity=\"0.5\" stroke-linecap=\"round\"/>",
                    sx, sy, hx, hy, UNSURE_COLOUR));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#1a202c\"/>", sx, sy));
            s.append(text(sx + 8, sy - 6, String.format(Locale.ROOT, "default threshold (spam from %.2f)", band.spamFrom()), "start", 11, "#1a202c"));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"none\" stroke=\"#1a202c\" stroke-width=\"1.5\"/>", hx, hy));
            s.append(text(hx + 8, hy + 14, String.format(Locale.ROOT, "ham at or below %.2f; unsure between", band.hamTo()), "start", 11, "#1a202c"));
        }
        s.append(text(left + pw - 8, top + ph - 10,
                String.format(Locale.ROOT, "1-ROCA%% = %.4f", r.oneMinusRocaPercent()), "end", 14, "#1a202c"));
        return s.append("</svg>").toString();
    }

    /**
     * The classifier's decision band as this stream shows it: the lowest log-odds it called SPAM and the highest it
     * called HAM. The classifier's thresholds sit between consecutive scores, so these are the thresholds to the
     * resolution of the stream, whatever scale the classifier's own score uses. Null when there is no such band
     * (a class never called, or HAM scored above SPAM, as from a classifier whose verdict is not its log-odds).
     */
    record Band(double hamTo, double spamFrom) {
        static Band of(List<EvaluationResult.Scored> messages) {
            double spamFrom = Double.POSITIVE_INFINITY, hamTo = Double.NEGATIVE_INFINITY;
            for (EvaluationResult.Scored m : messages) {
                if (m.outcome() == Outcome.SPAM) spamFrom = Math.min(spamFrom, m.logOdds());
                else if (m.outcome() == Outcome.HAM) hamTo = Math.max(hamTo, m.logOdds());
            }
            if (Double.isInfinite(spamFrom) || Double.isInfinite(hamTo) || hamTo >= spamFrom) return null;
            return new Band(hamTo, spamFrom);
        }
    }

    /** (ham misclassified, spam misclassified) when messages at or above {@code cut} are spam (above, if not inclusive). */
    private static double[] rates(List<EvaluationResult.Scored> messages, double cut, boolean inclusive) {
        long ham = 0, spam = 0, hamAbove = 0, spamBelow = 0;
        for (EvaluationResult.Scored m : messages) {
            boolean above = inclusive ? m.logOdds() >= cut : m.logOdds() > cut;
            if (m.label() == Label.SPAM) {
                spam++;
                if (!above) spamBelow++;
            } else {
                ham++;
                if (above) hamAbove++;
            }
        }
        return new double[] {(double) hamAbove / Math.max(1, ham), (double) spamBelow / Math.max(1, spam)};
    }

    /** Position on a logit axis in [0, 1], rates clamped to the plotted range. */
    static double axis(double rate) {
        double p = Math.max(MIN_RATE, Math.min(MAX_RATE, rate));
        double lo = logit(MIN_RATE), hi = logit(MAX_RATE);
        return (logit(p) - lo) / (hi - lo);
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** (ham misclassified, spam misclassified) as the threshold sweeps from above every score to below it. */
    static List<double[]> rocPoints(List<EvaluationResult.Scored> messages) {
        List<EvaluationResult.Scored> sorted = messages.stream()
                .sorted(Comparator.comparingDouble(EvaluationResult.Scored::logOdds).reversed()).toList();
        long spams = sorted.stream().filter(m -> m.label() == Label.SPAM).count();
        long hams = sorted.size() - spams;
        List<double[]> points = new java.util.ArrayList<>();
        if (spams == 0 || hams == 0) return points;
        long hamAbove = 0, spamAbove = 0;
        points.add(new double[] {0, 1});
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).logOdds() == sorted.get(i).logOdds()) {
                if (sorted.get(j).label() == Label.SPAM) spamAbove++;
                else hamAbove++;
                j++;
            }
            points.add(new double[] {(double) hamAbove / hams, (double) (spams - spamAbove) / spams});
            i = j;
        }
        return points;
    }

    private static String histogramSvg(EvaluationResult r) {
        int bins = 48;
        double lo = -24, hi = 24, width = (hi - lo) / bins;
        long[] ham = new long[bins], spam = new long[bins];
        for (EvaluationResult.Scored m : r.messages()) {
            int b = (int) Math.floor((Math.max(lo, Math.min(hi - 1e-9, m.logOdds())) - lo) / width);
            if (m.label() == Label.SPAM) spam[b]++;
            else ham[b]++;
        }
        long max = 1;
        for (int b = 0; b < bins; b++) max = Math.max(max, Math.max(ham[b], spam[b]));
        int w = 900, hgt = 300, left = 64, right = 16, top = 24, bottom = 48;
        int pw = w - left - right, ph = hgt - top - bottom;
        double bw = (double) pw / bins;
        double scaleMax = Math.log1p(max);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, hgt, w, hgt));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7fafc\" stroke=\"#a0aec0\"/>", left, top, pw, ph));
        for (long c : new long[] {1, 10, 100, 1000, 10000, 100000}) {
            if (c > max) break;
            double y = top + ph * (1 - Math.log1p(c) / scaleMax);
            s.append(line(left, y, left + pw, y, "#e2e8f0"));
            s.append(text(left - 8, y + 4, Long.toString(c), "end", 12, "#4a5568"));
        }
        Band band = Band.of(r.messages());
        if (band != null) {
            double hx = left + (Math.max(lo, Math.min(hi, band.hamTo())) - lo) / (hi - lo) * pw;
            double sx = left + (Math.max(lo, Math.min(hi, band.spamFrom())) - lo) / (hi - lo) * pw;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.25\"/>",
                    hx, top, Math.max(1, sx - hx), ph, UNSURE_COLOUR));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1a202c\" stroke-width=\"2\"/>", sx, top, sx, top + ph));
            s.append(text(sx + 4, top + 14, String.format(Locale.ROOT, "default threshold \u2248 %.2f", band.spamFrom()), "start", 11, "#1a202c"));
            s.append(text((hx + sx) / 2, top + 30, "unsure", "middle", 11, "#1a202c"));
        }
        for (int b = 0; b < bins; b++) {
            bar(s, left + b * bw, bw, ham[b], scaleMax, top, ph, HAM_COLOUR);
            bar(s, left + b * bw, bw, spam[b], scaleMax, top, ph, SPAM_COLOUR);
        }
        for (int v = (int) lo; v <= hi; v += 6) {
            double x = left + (v - lo) / (hi - lo) * pw;
            s.append(line(x, top + ph, x, top + ph + 5, "#4a5568"));
            String label = v == lo ? "\u2264" + v : v == hi ? "\u2265" + v : Integer.toString(v);
            s.append(text(x, top + ph + 18, label, "middle", 12, "#4a5568"));
        }
        s.append(text(left + pw / 2.0, hgt - 8, "log-odds of spam (messages per bin, log scale)", "middle", 13, "#2d3748"));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"0.6\"/>", left + 8, HAM_COLOUR));
        s.append(text(left + 26, 16, "ham (" + r.ham() + ")", "start", 12, "#2d3748"));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"0.6\"/>", left + 128, SPAM_COLOUR));
        s.append(text(left + 146, 16, "spam (" + r.spam() + ")", "start", 12, "#2d3748"));
        return s.append("</svg>").toString();
    }

    private static void bar(StringBuilder s, double x, double bw, long count, double scaleMax, int top, int ph, String colour) {
        if (count == 0) return;
        double height = ph * Math.log1p(count) / scaleMax;
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.55\"><title>%d</title></rect>",
                x + 1, top + ph - height, bw - 2, height, colour, count));
    }

    private static String line(double x1, double y1, double x2, double y2, String colour) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x1, y1, x2, y2, colour);
    }

    private static String text(double x, double y, String content, String anchor, int size, String colour) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">%s</text>",
                x, y, anchor, size, colour, escape(content));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
