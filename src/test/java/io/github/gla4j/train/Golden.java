/*
 * Golden.java — where the reference implementation's tiny-public files are (test resources golden/tiny-public) and
 * what the train tests read from them.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsFile;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Path;

final class Golden {

    private Golden() {
    }

    /** The model directory (config.json + model.safetensors). */
    static Path model() {
        try {
            return Path.of(Golden.class.getResource("/golden/tiny-public/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** golden.safetensors: input_ids [2, 48], adamw_losses [5], ... */
    static Path file() {
        return model().resolve("golden.safetensors");
    }

    /** The loss before each of the reference's 5 AdamW steps. */
    static float[] adamwLosses() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(file(), arena);
            return f.tensor("adamw_losses").toFloats();
        }
    }
}
