/*
 * TextData.java — a text corpus as one stream of token ids, split into a training part (the first 1 − valFraction
 * of the tokens) and a validation part (the rest). Training batches are windows of seqLen tokens at random offsets,
 * batch i drawn from a generator seeded by (seed, i); validation batches are fixed windows spread evenly over the
 * validation part, so every evaluation sees the same tokens. Files are read in path order; a directory stands for
 * every regular, non-hidden file under it. Tested by TextDataTest.
 */
package io.github.gla4j.train;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

public final class TextData {

    /** Characters per tokenizer call: long texts are encoded in pieces cut at line ends. */
    private static final int PIECE_CHARS = 1 << 20;

    private final int[] train;
    private final int[] validation;
    private final int vocabSize;
    private final String describe;

    private TextData(int[] train, int[] validation, int vocabSize, String describe) {
        this.train = train;
        this.validation = validation;
        this.vocabSize = vocabSize;
        this.describe = describe;
    }

    /** Reads and tokenizes paths (files or directories) and splits the tokens. */
    public static TextData read(List<Path> paths, TextTokenizer tokenizer, double valFraction) throws IOException {
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction " + valFraction + " must be in [0, 1)");
        }
        List<Path> files = files(paths);
        int[] tokens = new int[0];
        int count = 0;
        for (Path file : files) {
            int[] ids = tokenize(file, tokenizer);
            if ((long) count + ids.length > Integer.MAX_VALUE - 8) {
                throw new IOException("the text has more than 2³¹ tokens; gla train reads at most that many");
            }
            if (count + ids.length > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(count + ids.length, (int) Math.min(Integer.MAX_VALUE - 8,
                        2L * tokens.length)));
            }
            System.arraycopy(ids, 0, tokens, count, ids.length);
            count += ids.length;
        }
        int valCount = (int) Math.round(count * valFraction);
        String what = files.size() == 1 ? files.getFirst().toString() : files.size() + " files";
        return new TextData(Arrays.copyOfRange(tokens, 0, count - valCount),
                Arrays.copyOfRange(tokens, count - valCount, count), tokenizer.vocabSize(),
                what + ", " + count + " tokens of " + tokenizer.describe());
    }

    /** From token ids already split (for tests and callers with their own tokens). */
    public static TextData of(int[] train, int[] validation, int vocabSize) {
        for (int[] part : new int[][]{train, validation}) {
            for (int id : part) {
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " is outside [0, " + vocabSize + ")");
                }
            }
        }
        return new TextData(train.clone(), validation.clone(), vocabSize,
                (train.length + validation.length) + " tokens");
    }

    /** The files paths name: files as given, directories expanded to their regular non-hidden files, sorted. */
    static List<Path> files(List<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no text files given");
        }
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> !hidden(p.relativize(f))).sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new NoSuchFileException(p.toString(), null, "no such text file or directory");
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no text files in " + paths);
        }
        return files;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static int[] tokenize(Path file, TextTokenizer tokenizer) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (tokenizer instanceof ByteTokenizer bt) {
            return bt.encode(bytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (a tokenizer.json needs text; the byte tokenizer takes any "
                    + "file)", e);
        }
        int[] out = new int[0];
        int count = 0;
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(text.length(), start + PIECE_CHARS);
            if (end < text.length()) {
                int newline = text.lastIndexOf('\n', end - 1);
                end = newline >= start ? newline + 1 : end;
            }
            int[] ids;
            try {
                ids = tokenizer.encode(text.substring(start, end));
            } catch (RuntimeException e) {
                throw new IOException(file + ": the tokenizer failed: " + e.getMessage(), e);
            }
            if (count + ids.length > out.length) {
                out = Arrays.copyOf(out, Math.max(count + ids.length, 2 * out.length));
            }
            System.arraycopy(ids, 0, out, count, ids.length);
            count += ids.length;
            start = end;
        }
        return Arrays.copyOf(out, count);
    }

    /** The training part's ids (all of them when valFraction was 0). */
    public int[] trainTokensCopy() {
        return train.clone();
    }

    public int trainTokens() {
        return train.length;
    }

    public int validationTokens() {
        return validation.length;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** E.g. "data.txt, 1115394 tokens of bytes (vocab 256)". */
    public String describe() {
        return describe;
    }

    /** Random windows of the training part. */
    public BatchSource trainBatches(int batch, int seqLen, long seed) {
        if (train.length < seqLen) {
            throw new IllegalArgumentException("the training text has " + train.length + " tokens, fewer than one "
                    + "sequence of " + seqLen + "; give more text or a shorter --seq-len");
        }
        return new BatchSource() {
            @Override
            public int batchSize() {
                return batch;
            }

            @Override
            public int seqLen() {
                return seqLen;
            }

            @Override
            public int vocabSize() {
                return vocabSize;
            }

            @Override
            public Batch batch(long index) {
                Random random = new Random(BatchSource.mix(seed, index));
                int[] ids = new int[batch * seqLen];
                for (int b = 0; b < batch; b++) {
                    int start = random.nextInt(train.length - seqLen + 1);
                    System.arraycopy(train, start, ids, b * seqLen, seqLen);
                }
                return Batch.ofTokens(batch, seqLen, ids);
            }
        };
    }

    /** count batches of fixed windows spread evenly over the validation part (empty when it has no tokens). */
    public List<Batch> validationBatches(int batch, int seqLen, int count) {
        if (validation.length == 0 || count == 0) {
            return List.of();
        }
        if (validation.length < seqLen) {
            throw new IllegalArgumentException("the validation part has " + validation.length + " tokens, fewer than "
                    + "one sequence of " + seqLen + "; raise --val-fraction or lower --seq-len");
        }
        int windows = batch * count;
        long room = validation.length - seqLen;
        List<Batch> out = new ArrayList<>();
        int[] ids = new int[batch * seqLen];
        for (int w = 0; w < windows; w++) {
            int start = (int) (windows == 1 ? 0 : room * w / (windows - 1));
            System.arraycopy(validation, start, ids, (w % batch) * seqLen, seqLen);
            if (w % batch == batch - 1) {
                out.add(Batch.ofTokens(batch, seqLen, ids));
                ids = new int[batch * seqLen];
            }
        }
        return out;
    }
}
