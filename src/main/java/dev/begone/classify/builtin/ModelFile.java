package dev.begone.classify.builtin;

import dev.begone.classify.AtomicFile;
import dev.begone.classify.ClassifierException;
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
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The model file: a version header, then the weights and the AdaGrad sums as float16 and the naive Bayes counts
 * as int32, zlib-compressed, with a CRC32C of the uncompressed payload. A version 1 file, written before the counts
 * existed, loads with all counts zero. Replaced with {@link AtomicFile}, so a crash leaves the old model or the new one.
 */
final class ModelFile {
    private static final byte[] MAGIC = "begone-builtin\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_COUNTS = 1;

    /**
     * @param cells per feature i, from {@code 4i}: the weight and the AdaGrad sum (float bits), then the spam and the
     *              ham count, as {@link BuiltinClassifier} keeps them
     */
    record Contents(int hashBits, int windowBytes, int textBytes, long spamLearned, long hamLearned, int[] cells) {
        static Contents fresh(BuiltinOptions o) {
            return new Contents(o.hashBits(), o.windowBytes(), o.textBytes(), 0, 0, new int[4 << o.hashBits()]);
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
        if (version != VERSION && version != VERSION_WITHOUT_COUNTS) throw new IOException("unsupported model version " + version);
        int hashBits = in.readInt();
        int windowBytes = in.readInt();
        int textBytes = in.readInt();
        long spam = in.readLong();
        long ham = in.readLong();
        // deflate leaves some bits unchecked in long zero runs; version 2 checks the payload itself
        Integer crc = version == VERSION ? in.readInt() : null;
        if (hashBits < 16 || hashBits > 26 || windowBytes < 0 || textBytes < 0 || spam < 0 || ham < 0) {
            throw new IOException("implausible header values");
        }
        int headerLength = bytes.length - available(in);
        // Inflated a chunk at a time straight into the cells: a model is loaded for each cycle of a watched account, and
        // the whole payload and three arrays beside the cells would treble what a load allocates.
        int n = 1 << hashBits;
        int[] cells = new int[4 * n];
        java.util.zip.CRC32C payload = new java.util.zip.CRC32C();
        byte[] chunk = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, headerLength, bytes.length - headerLength);
            for (int field = 0; field < 2; field++) {
                for (int from = 0; from < n; from += chunk.length / 2) {
                    inflateFully(inflater, chunk, payload);
                    for (int k = 0; k < chunk.length / 2; k++) {
                        cells[4 * (from + k) + field] = Float.floatToRawIntBits(Float.float16ToFloat(buf.getShort(2 * k)));
                    }
                }
            }
            if (version == VERSION) {
                for (int from = 0; from < n; from += chunk.length / 8) {
                    inflateFully(inflater, chunk, payload);
                    for (int k = 0; k < chunk.length / 8; k++) {
                        int spamCount = buf.getInt(8 * k);
                        int hamCount = buf.getInt(8 * k + 4);
                        if (spamCount < 0 || hamCount < 0) throw new IOException("negative count");
                        cells[4 * (from + k) + 2] = spamCount;
                        cells[4 * (from + k) + 3] = hamCount;
                    }
                }
            }
            if (!inflater.finished() && (inflater.inflate(new byte[1]) != 0 || !inflater.finished()) || inflater.getRemaining() != 0) {
                throw new IOException("weights followed by garbage");
            }
        } finally {
            inflater.end();
        }
        if (crc != null && crc != (int) payload.getValue()) throw new IOException("checksum mismatch");
        return new Contents(hashBits, windowBytes, textBytes, spam, ham, cells);
    }

    /** Fills {@code chunk} from the inflater, or fails: the payload ended early. */
    private static void inflateFully(Inflater inflater, byte[] chunk, java.util.zip.CRC32C payload)
            throws IOException, DataFormatException {
        int got = 0;
        while (got < chunk.length) {
            int more = inflater.inflate(chunk, got, chunk.length - got);
            if (more == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                throw new IOException("weights truncated");
            }
            got += more;
        }
        payload.update(chunk);
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
        int[] cells = c.cells();
        ByteBuffer raw = ByteBuffer.allocate(cells.length * 3).order(ByteOrder.LITTLE_ENDIAN);
        for (int field = 0; field < 2; field++) {
            for (int i = field; i < cells.length; i += 4) raw.putShort(Float.floatToFloat16(Float.intBitsToFloat(cells[i])));
        }
        for (int i = 0; i < cells.length; i += 4) raw.putInt(cells[i + 2]).putInt(cells[i + 3]);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(c.hashBits());
            data.writeInt(c.windowBytes());
            data.writeInt(c.textBytes());
            data.writeLong(c.spamLearned());
            data.writeLong(c.hamLearned());
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
