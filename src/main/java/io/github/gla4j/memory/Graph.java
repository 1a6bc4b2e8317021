/*
 * Graph.java — ops recorded once on a Context and replayed with one launch (gla_graph_*: CUDA graphs on cuda),
 * which takes the per-op launch cost out of decoding. A replay reads and writes the same memory as the recording.
 *
 *   Graph g = context.record(() -> model.forwardEmbedded(acts, op));   // nothing runs yet
 *   g.launch();                                                        // runs it all; again and again
 *
 * Tested by NativeDecoderTest (decoding on cuda replays graphs) and native/tests (test_layers_cuda).
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;

import java.lang.foreign.MemorySegment;

public final class Graph implements AutoCloseable {

    private final Context context;
    private MemorySegment handle;

    Graph(Context context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** Runs the recorded ops on the context's stream (asynchronous). */
    public void launch() {
        if (handle == null) {
            throw new IllegalStateException("Graph: closed");
        }
        Gla.check("gla_graph_launch", GlaH.gla_graph_launch(context.handle(), handle));
    }

    @Override
    public void close() {
        if (handle != null) {
            MemorySegment h = handle;
            handle = null;
            Gla.check("gla_graph_destroy", GlaH.gla_graph_destroy(h));
        }
    }
}
