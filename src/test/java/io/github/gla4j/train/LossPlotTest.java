/*
 * LossPlotTest — the loss curve is drawn headless into a PNG of the expected size, with a gap for a non-finite loss,
 * and replaces an older plot.
 */
package io.github.gla4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LossPlotTest {

    @TempDir
    Path dir;

    @Test
    void drawsAPngWithoutADisplay() throws IOException {
        History h = new History();
        for (int s = 1; s <= 200; s++) {
            h.addStep(s, s == 150 ? Double.NaN : 3 * Math.exp(-s / 50.0) + 0.1 * Math.sin(s));
            if (s % 50 == 0) {
                h.addValidation(s, 3 * Math.exp(-s / 50.0) + 0.2, 0.5);
            }
        }
        Path png = dir.resolve(LossPlot.FILE);
        Files.writeString(png, "an older plot");
        LossPlot.write(png, h, "test run");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(540, image.getHeight());
        LossPlot.write(dir.resolve("empty.png"), new History(), "nothing yet");
        assertFalse(Files.exists(dir.resolve("empty.png")));
    }
}
