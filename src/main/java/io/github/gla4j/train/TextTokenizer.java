/*
 * TextTokenizer.java — text to token ids for training and evaluation: the byte-level tokenizer (UTF-8 bytes, vocab
 * 256, the default: it needs no file) or a Hugging Face tokenizer.json (HuggingFaceTextTokenizer). A model trained
 * with a tokenizer.json gets a copy of it in its directory (TOKENIZER_FILE), which is how later commands find it.
 */
package io.github.gla4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

public interface TextTokenizer extends AutoCloseable {

    /** The file name Hugging Face model directories keep their tokenizer under. */
    String TOKENIZER_FILE = "tokenizer.json";

    /** Ids are in [0, vocabSize()). */
    int vocabSize();

    /** The ids of text, without special tokens. */
    int[] encode(String text);

    String decode(int[] ids);

    /** A short description for messages, e.g. "bytes (vocab 256)". */
    String describe();

    /** The tokenizer.json this tokenizer was built from, if any (to copy next to a trained model). */
    default Path file() {
        return null;
    }

    @Override
    default void close() {
    }

    /** The tokenizer of a file (a tokenizer.json), or the byte-level one when file is null. */
    static TextTokenizer open(Path file) throws IOException {
        return file == null ? new ByteTokenizer() : HuggingFaceTextTokenizer.open(file);
    }

    /** The tokenizer a model directory was trained with: its tokenizer.json, or bytes when it has none. */
    static TextTokenizer forModel(Path modelDir) throws IOException {
        Path file = modelDir.resolve(TOKENIZER_FILE);
        return Files.isRegularFile(file) ? HuggingFaceTextTokenizer.open(file) : new ByteTokenizer();
    }
}
