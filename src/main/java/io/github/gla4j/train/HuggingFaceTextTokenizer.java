/*
 * HuggingFaceTextTokenizer.java — a Hugging Face tokenizer.json through DJL's tokenizers (the Rust library, whose
 * native code ships inside its jar), built only from a local file, never from a hub name. Special tokens are not
 * added and nothing is truncated or padded: training wants the plain id stream of the text. The vocabulary size is
 * read from the file (the largest id of the model's vocab and the added tokens, plus one). Tested by TokenizerTest.
 */
package io.github.gla4j.train;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

public final class HuggingFaceTextTokenizer implements TextTokenizer {

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    private HuggingFaceTextTokenizer(Path file, HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
    }

    /** The tokenizer of a tokenizer.json file. */
    public static HuggingFaceTextTokenizer open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a tokenizer.json file");
        }
        int vocab = vocabSize(file);
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
                    "truncation", "false", "padding", "false"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a tokenizer the tokenizers library can load: " + e.getMessage(), e);
        }
        return new HuggingFaceTextTokenizer(file, tokenizer, vocab);
    }

    /** 1 + the largest id in model.vocab (a map or, for Unigram, a list) and added_tokens. */
    static int vocabSize(Path file) throws IOException {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode vocab = root == null ? null : root.path("model").get("vocab");
        if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
            throw new IOException(file + ": no model.vocab: not a Hugging Face tokenizer.json");
        }
        long max = -1;
        if (vocab.isArray()) {
            max = vocab.size() - 1;
        } else {
            for (JsonNode id : vocab) {
                max = Math.max(max, id.asLong(-1));
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asLong(-1));
        }
        if (max < 0 || max >= Integer.MAX_VALUE) {
            throw new IOException(file + ": model.vocab has no usable ids");
        }
        return Math.toIntExact(max + 1);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public String describe() {
        return file + " (vocab " + vocabSize + ")";
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
