package dev.begone.classify.builtin;

import dev.begone.classify.AtomicFile;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The model file: a version header, then a zlib-compressed payload with a CRC32C of it uncompressed. Replaced with
 * {@link AtomicFile}, so a crash leaves the old model or the new one.
 *
 * <p>Version 4's payload starts with the lessons of the save (each a label byte and a length-prefixed UTF-8
 * fingerprint), so that {@link #readLessons} need not inflate the rest: recovery asks for them at every cycle.
 * Then it lists the cells in runs: a run of empty cells (a varint count, skipped), then a run of filled ones (a
 * varint count, then per cell its weight and AdaGrad sum as float16 and its packed counts as int32), until every
 * cell is covered. A young model is mostly empty cells: its load costs what it holds, not what the feature space
 * could. {@code begone watch} with many accounts loads a model for most cycles, and inflating 12 MB of dense zeros
 * was the largest cost of filing one message. Versions 1 to 3 hold every cell: all weights, all sums, then the
 * counts as two int32 each (none in version 1), then the lessons (none before version 3).
 */
final class ModelFile {
    private static final byte[] MAGIC = "begone-builtin\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 4;
    private static final int VERSION_DENSE_WITH_LESSONS = 3;
    private static final int VERSION_WITHOUT_LESSONS = 2;
    private static final int VERSION_WITHOUT_COUNTS = 1;
    /** The payload's lessons part may not be larger than this: a save holds one group of lessons, not thousands. */
    private static final int MAX_LESSON_BYTES = 64 << 20;
    /** Offset of the CRC in the header, known only once the payload is written. */
    private static final int CRC_OFFSET = MAGIC.length + 4 * 4 + 2 * 8 + 4;
    private static final int CHUNK = 1 << 16;

    /**
     * @param cells   three ints per feature, as {@link BuiltinClassifier} holds them
     * @param lessons the messages learnt since the save before, by fingerprint (see {@code Classifier#sync})
     */
    record Contents(int hashBits, int windowBytes, int textBytes, long spamLearned, long hamLearned,
            Cells cells, Map<String, Label> lessons) {
        Contents {
            lessons = Map.copyOf(lessons);
        }

        static Contents fresh(BuiltinOptions o) {
            return new Contents(o.hashBits(), o.windowBytes(), o.textBytes(), 0, 0, Cells.empty(o.hashBits()), Map.of());
        }
    }

    private ModelFile() {}

    static Contents read(Path file, BuiltinOptions options) throws ClassifierException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Contents.fresh(options);
        } catch (IOException e) {
            throw new ClassifierException("cannot read builtin model " + file + ": " + e.getMessage(), e);
        }
        try {
            return decode(bytes);
        } catch (IOException | DataFormatException | RuntimeException e) {
            throw new ClassifierException("builtin model " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** @param crc of the uncompressed payload; null in version 1 */
    private record Header(int version, int hashBits, int windowBytes, int textBytes, long spam, long ham, int lessonBytes,
            Integer crc, int length) {
        static Header read(byte[] bytes) throws IOException {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException("not a begone builtin model (bad magic)");
            int version = in.readInt();
            if (version < VERSION_WITHOUT_COUNTS || version > VERSION) throw new IOException("unsupported model version " + version);
            int hashBits = in.readInt();
            int windowBytes = in.readInt();
            int textBytes = in.readInt();
            long spam = in.readLong();
            long ham = in.readLong();
            int lessonBytes = version >= VERSION_DENSE_WITH_LESSONS ? in.readInt() : 0;
            // deflate leaves some bits unchecked in long zero runs; version 2 on checks the payload itself
            Integer crc = version >= VERSION_WITHOUT_LESSONS ? in.readInt() : null;
            if (hashBits < 16 || hashBits > 26 || windowBytes < 0 || textBytes < 0 || spam < 0 || ham < 0
                    || lessonBytes < 0 || lessonBytes > MAX_LESSON_BYTES) {
                throw new IOException("implausible header values");
            }
            return new Header(version, hashBits, windowBytes, textBytes, spam, ham, lessonBytes, crc, bytes.length - in.available());
        }
    }

    /**
     * The lessons of the file's last save, inflating no more of a version 4 file than they take: the cells after them
     * are left unread and unchecked (a damaged file is refused when the model is loaded). None when there is no file.
     */
    static Map<String, Label> readLessons(Path file) throws ClassifierException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ClassifierException("cannot read builtin model " + file + ": " + e.getMessage(), e);
        }
        try {
            Header h = Header.read(bytes);
            if (h.version() != VERSION) return decode(bytes).lessons();
            Payload payload = new Payload(bytes, h.length());
            try {
                return readLessons(payload, h.lessonBytes());
            } finally {
                payload.end();
            }
        } catch (IOException | DataFormatException | RuntimeException e) {
            throw new ClassifierException("builtin model " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static Contents decode(byte[] bytes) throws IOException, DataFormatException {
        Header h = Header.read(bytes);
        int version = h.version();
        int hashBits = h.hashBits();
        int lessonBytes = h.lessonBytes();
        Integer crc = h.crc();
        Payload payload = new Payload(bytes, h.length());
        try {
            Cells cells;
            Map<String, Label> lessons;
            if (version == VERSION) {
                lessons = readLessons(payload, lessonBytes);
                cells = Cells.empty(hashBits);
                readRuns(payload, cells);
            } else {
                cells = Cells.dense(hashBits);
                readDense(payload, cells.table().values, version >= VERSION_WITHOUT_LESSONS);
                lessons = readLessons(payload, lessonBytes);
            }
            payload.finish();
            if (crc != null && crc != payload.crc()) throw new IOException("checksum mismatch");
            return new Contents(hashBits, h.windowBytes(), h.textBytes(), h.spam(), h.ham(), cells, lessons);
        } finally {
            payload.end();
        }
    }

    private static void readRuns(Payload in, Cells cells) throws IOException, DataFormatException {
        int n = 1 << cells.hashBits();
        int i = 0;
        while (i < n) {
            i += in.count(n - i);
            int filled = in.count(n - i);
            for (int end = i + filled; i < end; i++) {
                int c = cells.claim(i);
                int[] values = cells.table().values;
                values[c] = Float.floatToRawIntBits(Float.float16ToFloat((short) in.u16()));
                values[c + 1] = Float.floatToRawIntBits(Float.float16ToFloat((short) in.u16()));
                values[c + 2] = in.i32();
            }
        }
    }

    private static void readDense(Payload in, int[] cells, boolean withCounts) throws IOException, DataFormatException {
        int n = cells.length / 3;
        for (int i = 0; i < n; i++) cells[3 * i] = Float.floatToRawIntBits(Float.float16ToFloat((short) in.u16()));
        for (int i = 0; i < n; i++) cells[3 * i + 1] = Float.floatToRawIntBits(Float.float16ToFloat((short) in.u16()));
        if (!withCounts) return;
        for (int i = 0; i < n; i++) {
            int spam = in.i32();
            int ham = in.i32();
            if (spam < 0 || ham < 0) throw new IOException("negative count");
            cells[3 * i + 2] = BuiltinClassifier.packCounts(spam, ham);
        }
    }

    private static Map<String, Label> readLessons(Payload in, int lessonBytes) throws IOException, DataFormatException {
        Map<String, Label> lessons = new HashMap<>();
        long start = in.position();
        while (in.position() - start < lessonBytes) {
            Label label = switch (in.u8()) {
                case 0 -> Label.SPAM;
                case 1 -> Label.HAM;
                default -> throw new IOException("unknown label in the lessons");
            };
            byte[] key = in.bytes(in.u16());
            lessons.put(new String(key, StandardCharsets.UTF_8), label);
        }
        if (in.position() - start != lessonBytes) throw new IOException("lessons overrun their length");
        return lessons;
    }

    static void write(Path file, Contents c) throws ClassifierException {
        ByteArrayOutputStream lessons = new ByteArrayOutputStream();
        for (Map.Entry<String, Label> l : c.lessons().entrySet()) {
            byte[] key = l.getKey().getBytes(StandardCharsets.UTF_8);
            if (key.length > 0xFFFF) throw new IllegalArgumentException("a fingerprint of " + key.length + " bytes");
            lessons.write(l.getValue() == Label.SPAM ? 0 : 1);
            // Little-endian, as the rest of the payload.
            lessons.write(key.length);
            lessons.write(key.length >>> 8);
            lessons.writeBytes(key);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(c.hashBits());
            data.writeInt(c.windowBytes());
            data.writeInt(c.textBytes());
            data.writeLong(c.spamLearned());
            data.writeLong(c.hamLearned());
            data.writeInt(lessons.size());
            data.writeInt(0);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        PayloadWriter payload = new PayloadWriter(out);
        try {
            payload.bytes(lessons.toByteArray());
            writeRuns(payload, c.cells());
            payload.finish();
        } finally {
            payload.end();
        }
        byte[] bytes = out.toByteArray();
        int crc = payload.crc();
        for (int k = 0; k < 4; k++) bytes[CRC_OFFSET + k] = (byte) (crc >>> (24 - 8 * k));
        try {
            AtomicFile.replace(file, bytes);
        } catch (IOException e) {
            throw new ClassifierException("cannot save builtin model " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeRuns(PayloadWriter out, Cells cells) {
        int n = 1 << cells.hashBits();
        Cells.Table t = cells.table();
        int[] stored = storedInOrder(cells, t);
        int covered = 0;
        for (int k = 0; k < stored.length; ) {
            int first = stored[k];
            int end = k + 1;
            while (end < stored.length && stored[end] == stored[end - 1] + 1) end++;
            out.count(first - covered);
            out.count(end - k);
            for (; k < end; k++) {
                int c = t.offset(stored[k]);
                out.u16(Float.floatToFloat16(Float.intBitsToFloat(t.values[c])));
                out.u16(Float.floatToFloat16(Float.intBitsToFloat(t.values[c + 1])));
                out.i32(t.values[c + 2]);
            }
            covered = stored[end - 1] + 1;
        }
        if (covered < n) {
            out.count(n - covered);
            out.count(0);
        }
    }

    /** The features whose cells are not empty as stored, in order. */
    private static int[] storedInOrder(Cells cells, Cells.Table t) {
        int[] candidates = t.dense() ? null : cells.heldInOrder();
        int total = candidates == null ? 1 << cells.hashBits() : candidates.length;
        int n = 0;
        for (int k = 0; k < total; k++) {
            if (!isEmpty(t, candidates == null ? k : candidates[k])) n++;
        }
        int[] stored = new int[n];
        n = 0;
        for (int k = 0; k < total; k++) {
            int feature = candidates == null ? k : candidates[k];
            if (!isEmpty(t, feature)) stored[n++] = feature;
        }
        return stored;
    }

    /** Empty as stored: a weight or sum too small for float16 is stored as zero, so the cell loads empty anyway. */
    private static boolean isEmpty(Cells.Table t, int feature) {
        int c = t.offset(feature);
        return c < 0 || t.values[c + 2] == 0
                && Float.floatToFloat16(Float.intBitsToFloat(t.values[c])) == 0
                && Float.floatToFloat16(Float.intBitsToFloat(t.values[c + 1])) == 0;
    }

    /**
     * The compressed payload read in order, inflated a chunk at a time: a dense model's 12 MB are never held in one
     * array beside the cells they fill. Little-endian; the CRC covers every byte inflated.
     */
    private static final class Payload {
        private final Inflater inflater = new Inflater();
        private final CRC32C crc = new CRC32C();
        private final byte[] buffer = new byte[CHUNK];
        private int pos;
        private int limit;
        private long consumed;

        Payload(byte[] bytes, int offset) {
            inflater.setInput(bytes, offset, bytes.length - offset);
        }

        /** Makes at least {@code n} (at most 8) bytes readable, or fails: the payload ended early. */
        private void need(int n) throws IOException, DataFormatException {
            if (limit - pos >= n) return;
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            consumed += pos;
            limit -= pos;
            pos = 0;
            while (limit < n) {
                int got = inflater.inflate(buffer, limit, buffer.length - limit);
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("payload truncated");
                }
                crc.update(buffer, limit, got);
                limit += got;
            }
        }

        long position() {
            return consumed + pos;
        }

        int u8() throws IOException, DataFormatException {
            need(1);
            return buffer[pos++] & 0xFF;
        }

        int u16() throws IOException, DataFormatException {
            need(2);
            int v = (buffer[pos] & 0xFF) | (buffer[pos + 1] & 0xFF) << 8;
            pos += 2;
            return v;
        }

        int i32() throws IOException, DataFormatException {
            need(4);
            int v = (buffer[pos] & 0xFF) | (buffer[pos + 1] & 0xFF) << 8 | (buffer[pos + 2] & 0xFF) << 16 | buffer[pos + 3] << 24;
            pos += 4;
            return v;
        }

        /** A varint (seven bits a byte, low first) that may not exceed {@code max}. */
        int count(int max) throws IOException, DataFormatException {
            long v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v > max) throw new IOException("a run of " + v + " cells past the last");
                    return (int) v;
                }
            }
            throw new IOException("varint too long");
        }

        byte[] bytes(int n) throws IOException, DataFormatException {
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) out[i] = (byte) u8();
            return out;
        }

        /** Checks that the payload ends here, with nothing after it. */
        void finish() throws IOException, DataFormatException {
            if (pos < limit || inflater.inflate(buffer, 0, 1) > 0 || !inflater.finished() || inflater.getRemaining() != 0) {
                throw new IOException("payload followed by garbage");
            }
        }

        int crc() {
            return (int) crc.getValue();
        }

        void end() {
            inflater.end();
        }
    }

    /** The payload deflated as it is written, a chunk at a time. */
    private static final class PayloadWriter {
        private final ByteArrayOutputStream out;
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        private final CRC32C crc = new CRC32C();
        private final byte[] buffer = new byte[CHUNK];
        private final byte[] compressed = new byte[CHUNK];
        private int pos;

        PayloadWriter(ByteArrayOutputStream out) {
            this.out = out;
        }

        private void room(int n) {
            if (buffer.length - pos < n) flush();
        }

        private void flush() {
            crc.update(buffer, 0, pos);
            deflater.setInput(buffer, 0, pos);
            while (!deflater.needsInput()) out.write(compressed, 0, deflater.deflate(compressed));
            pos = 0;
        }

        void u16(int v) {
            room(2);
            buffer[pos++] = (byte) v;
            buffer[pos++] = (byte) (v >>> 8);
        }

        void i32(int v) {
            room(4);
            for (int k = 0; k < 4; k++) buffer[pos++] = (byte) (v >>> (8 * k));
        }

        void count(int v) {
            room(5);
            while ((v & ~0x7F) != 0) {
                buffer[pos++] = (byte) (v & 0x7F | 0x80);
                v >>>= 7;
            }
            buffer[pos++] = (byte) v;
        }

        void bytes(byte[] b) {
            for (byte x : b) {
                room(1);
                buffer[pos++] = x;
            }
        }

        void finish() {
            flush();
            deflater.finish();
            while (!deflater.finished()) out.write(compressed, 0, deflater.deflate(compressed));
        }

        int crc() {
            return (int) crc.getValue();
        }

        void end() {
            deflater.end();
        }
    }
}
