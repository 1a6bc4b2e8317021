/*
 * TextStreamTest: streamed text equals the decoded whole, characters split across byte tokens are held back until
 * complete, and finish() flushes an unfinished character as U+FFFD.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.generate.TextStreamTest' -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import io.github.gla4j.train.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextStreamTest {

    @Test
    void piecesConcatenateToTheTextAndWaitForWholeCharacters() {
        ByteTokenizer bytes = new ByteTokenizer();
        String text = "héllo €5\nnext line: 日本\n\nend";
        TextStream stream = new TextStream(bytes);
        StringBuilder out = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        for (int id : bytes.encode(text)) {
            String piece = stream.push(id);
            pieces.add(piece);
            out.append(piece);
        }
        out.append(stream.finish());
        assertEquals(text, out.toString());
        // "h", then the two bytes of é: nothing, then "é"
        assertEquals(List.of("h", "", "é", "l"), pieces.subList(0, 4));
        // € is three bytes: the first two print nothing
        int euro = "héllo ".getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertEquals(List.of("", "", "€", "5"), pieces.subList(euro, euro + 4));
    }

    @Test
    void finishFlushesAnUnfinishedCharacter() {
        TextStream stream = new TextStream(new ByteTokenizer());
        assertEquals("a", stream.push('a'));
        assertEquals("", stream.push(0xE2));
        assertEquals("\uFFFD", stream.finish());
        assertEquals("", stream.finish(), "nothing left");
        assertEquals("b", stream.push('b'), "the stream starts over");
    }

    @Test
    void anInvalidByteIsPrintedOnceTheNextCharacterArrives() {
        TextStream stream = new TextStream(new ByteTokenizer());
        assertEquals("", stream.push(0xFF));
        assertEquals("\uFFFDx", stream.push('x'));
    }
}
