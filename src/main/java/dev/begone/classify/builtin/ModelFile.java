package dev.begone.classify.builtin;

import dev.begone.classify.AtomicFile;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The model file: a version header, then the weights and the AdaGrad sums as float16, the naive Bayes counts as
 * int32 and the lessons of the save (each a label byte and a length-prefixed UTF-8 fingerprint), zlib-compressed,
 * with a CRC32C of the uncompressed payload. A version 1 file, written before the counts existed, loads with all
 * counts zero; version 1 and 2 files, written before the lessons, load with none. Replaced with {@link AtomicFile},
 * so a crash leaves the old model or the new one.
 */
final class ModelFile {
    private static final byte[] MAGIC = "begone-builtin\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 3;
    private static final int VERSION_WITHOUT_LESSONS = 2;
    private static final int VERSION_WITHOUT_COUNTS = 1;
    /** The payload's lessons part may not be larger than this: a save holds one group of lessons, not thousands. */
    private static final int MAX_LESSON_BYTES = 64 << 20;

    /** @param lessons the messages learnt since the save before, by fingerprint (see {@code Classifier#sync}) */
    record Contents(int hashBits, int windowBytes, int textBytes, long spamLearned, long hamLearned,
            float[] weights, float[] gradients, int[] counts, Map<String, Label> lessons) {
        Contents {
            lessons = Map.copyOf(lessons);
        }

        static Contents fresh(BuiltinOptions o) {
            return new Contents(o.hashBits(), o.windowBytes(), o.textBytes(), 0, 0,
                    new float[1 << o.hashBits()], new float[1 << o.hashBits()], new int[2 << o.hashBits()], Map.of());
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

    private static Contents decode(byte[] bytes) throws IOException, DataFormatException {
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
        int lessonBytes = version == VERSION ? in.readInt() : 0;
        // deflate leaves some bits unchecked in long zero runs; version 2 checks the payload itself
        Integer crc = version >= VERSION_WITHOUT_LESSONS ? in.readInt() : null;
        if (hashBits < 16 || hashBits > 26 || windowBytes < 0 || textBytes < 0 || spam < 0 || ham < 0
                || lessonBytes < 0 || lessonBytes > MAX_LESSON_BYTES) {
            throw new IOException("implausible header values");
        }
        int headerLength = bytes.length - available(in);
        byte[] raw = new byte[((version >= VERSION_WITHOUT_LESSONS ? 12 : 4) << hashBits) + lessonBytes];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, headerLength, bytes.length - headerLength);
            int n = 0;
            while (n < raw.length && !inflater.finished()) {
                int got = inflater.inflate(raw, n, raw.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                n += got;
            }
            if (n != raw.length || !inflater.finished() || inflater.getRemaining() != 0) {
                throw new IOException("weights truncated or followed by garbage");
            }
        } finally {
            inflater.end();
        }
        if (crc != null && crc != crc(raw)) throw new IOException("checksum mismatch");
        float[] weights = new float[1 << hashBits];
        float[] gradients = new float[1 << hashBits];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < weights.length; i++) weights[i] = Float.float16ToFloat(buf.getShort());
        for (int i = 0; i < gradients.length; i++) gradients[i] = Float.float16ToFloat(buf.getShort());
        int[] counts = new int[2 << hashBits];
        if (version >= VERSION_WITHOUT_LESSONS) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buf.getInt();
                if (counts[i] < 0) throw new IOException("negative count");
            }
        }
        Map<String, Label> lessons = new HashMap<>();
        while (buf.hasRemaining()) {
            Label label = switch (buf.get()) {
                case 0 -> Label.SPAM;
                case 1 -> Label.HAM;
                default -> throw new IOException("unknown label in the lessons");
            };
            byte[] key = new byte[Short.toUnsignedInt(buf.getShort())];
            buf.get(key);
            lessons.put(new String(key, StandardCharsets.UTF_8), label);
        }
        return new Contents(hashBits, windowBytes, textBytes, spam, ham, weights, gradients, counts, lessons);
    }

    private static int available(InputStream in) throws IOException {
        return in.available();
    }

    private static int crc(byte[] raw) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(raw);
        return (int) crc.getValue();
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
        ByteBuffer raw = ByteBuffer.allocate(c.weights().length * 12 + lessons.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float w : c.weights()) raw.putShort(Float.floatToFloat16(w));
        for (float g : c.gradients()) raw.putShort(Float.floatToFloat16(g));
        for (int n : c.counts()) raw.putInt(n);
        raw.put(lessons.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(c.hashBits());
            data.writeInt(c.windowBytes());
            data.writeInt(c.textBytes());
            data.writeLong(c.spamLearned());
            data.writeLong(c.hamLearned());
            data.writeInt(lessons.size());
            data.writeInt(crc(raw.array()));
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw.array());
            deflater.finish();
            byte[] chunk = new byte[1 << 16];
            while (!deflater.finished()) out.write(chunk, 0, deflater.deflate(chunk));
        } finally {
            deflater.end();
        }
        try {
            AtomicFile.replace(file, out.toByteArray());
        } catch (IOException e) {
            throw new ClassifierException("cannot save builtin model " + file + ": " + e.getMessage(), e);
        }
    }
}
