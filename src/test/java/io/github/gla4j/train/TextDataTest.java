/*
 * TextDataTest — reading text files and directories (sorted, hidden files skipped), the train/validation split,
 * training windows (inside the training part, a function of seed and index), fixed validation windows, and the
 * messages when the text is too short.
 */
package io.github.gla4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextDataTest {

    @TempDir
    Path dir;

    @Test
    void directoriesAreReadInPathOrderWithoutHiddenFiles() throws IOException {
        Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("b/2.txt"), "BB");
        Files.writeString(dir.resolve("a.txt"), "AA");
        Files.writeString(dir.resolve(".hidden"), "XX");
        Files.writeString(dir.resolve(".git/config"), "YY");
        TextData data = TextData.read(List.of(dir), new ByteTokenizer(), 0);
        assertEquals(4, data.trainTokens());
        assertEquals("AABB", new String(toBytes(data.trainTokensCopy()), StandardCharsets.UTF_8));
    }

    @Test
    void theLastFractionIsValidationAndWindowsStayInTheirPart() throws IOException {
        byte[] text = new byte[1000];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (i < 900 ? 'a' + i % 26 : '0' + i % 10);
        }
        Path file = dir.resolve("t.txt");
        Files.write(file, text);
        TextData data = TextData.read(List.of(file), new ByteTokenizer(), 0.1);
        assertEquals(900, data.trainTokens());
        assertEquals(100, data.validationTokens());

        BatchSource train = data.trainBatches(4, 32, 9);
        for (long i = 0; i < 50; i++) {
            Batch b = train.batch(i);
            assertArrayEquals(b.inputIds(), b.labels());
            for (int id : b.inputIds()) {
                assertTrue(id >= 'a' && id <= 'z', "training windows come from the training part");
            }
        }
        assertArrayEquals(train.batch(3).inputIds(), data.trainBatches(4, 32, 9).batch(3).inputIds());
        assertFalse(java.util.Arrays.equals(train.batch(3).inputIds(), train.batch(4).inputIds()));

        List<Batch> val = data.validationBatches(4, 32, 3);
        assertEquals(3, val.size());
        for (Batch b : val) {
            for (int id : b.inputIds()) {
                assertTrue(id >= '0' && id <= '9', "validation windows come from the validation part");
            }
        }
        assertArrayEquals(val.get(2).inputIds(), data.validationBatches(4, 32, 3).get(2).inputIds());
        // windows spread evenly: the first starts at the first validation token, the last ends at the last
        assertEquals('0', val.getFirst().inputIds()[0]);
        assertEquals('9', val.get(2).inputIds()[4 * 32 - 1]);
    }

    @Test
    void tooLittleTextIsReportedWithWhatToChange() throws IOException {
        Path file = dir.resolve("short.txt");
        Files.writeString(file, "x".repeat(100));
        TextData data = TextData.read(List.of(file), new ByteTokenizer(), 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.trainBatches(1, 128, 1));
        assertTrue(e.getMessage().contains("--seq-len"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data.validationBatches(1, 64, 1));
        assertTrue(e.getMessage().contains("--val-fraction"), e.getMessage());
        assertThrows(IOException.class, () -> TextData.read(List.of(dir.resolve("missing.txt")), new ByteTokenizer(),
                0));
    }

    static byte[] toBytes(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return b;
    }
}
