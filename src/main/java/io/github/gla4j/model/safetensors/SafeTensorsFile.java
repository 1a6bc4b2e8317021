/*
 * An opened safetensors file: its metadata and its tensors in file order, each a zero-copy slice of the
 * mapping (valid while the arena passed to SafeTensors.open is open). Tested by SafeTensorsRoundTripTest.
 */
package io.github.gla4j.model.safetensors;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** The validated contents of one safetensors file. */
public final class SafeTensorsFile {
    private final String source;
    private final Map<String, String> metadata;
    private final Map<String, SafeTensor> tensors;

    SafeTensorsFile(String source, Map<String, String> metadata, Map<String, SafeTensor> tensors) {
        this.source = source;
        this.metadata = metadata;
        this.tensors = java.util.Collections.unmodifiableMap(tensors);
    }

    /** Where the file came from (its path), for messages. */
    public String source() {
        return source;
    }

    /** The {@code __metadata__} map (empty if the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in file (data offset) order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}. */
    public SafeTensor tensor(String name) {
        SafeTensor t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException(source + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /** All tensors in file order. */
    public Collection<SafeTensor> tensors() {
        return List.copyOf(tensors.values());
    }
}
