/*
 * Rows.java — how the cpu ops see a tensor: a matrix of rows × cols (cols = the given row width, rows = the rest),
 * fp32, in host memory. Checks arguments and names the op and the argument in every message, e.g.
 *   RmsNorm.forward: y must be F32 with 96 rows of 64, got HostTensor[F32 [2, 48, 32]]
 * Also the row-block split every parallel op uses, so results never depend on the number of threads.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

final class Rows {

    /** Elements per parallel task below which the fork/join overhead outweighs the work. */
    static final long GRAIN = 1 << 14;

    private Rows() {
    }

    /** The number of rows of width cols in t, checking dtype, that it is not null and that cols divides it. */
    static int count(String op, String arg, HostTensor t, long cols) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + arg + " must not be null");
        }
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + arg + " must be F32, got " + t);
        }
        long n = t.elementCount();
        if (cols <= 0 || n % cols != 0) {
            throw new IllegalArgumentException(op + ": " + arg + " must hold rows of " + cols + ", got " + t);
        }
        if (n / cols > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + arg + " is too large (" + t + ")");
        }
        return (int) (n / cols);
    }

    /** Checks that t is F32 with exactly rows × cols elements. */
    static void require(String op, String arg, HostTensor t, long rows, long cols) {
        if (t == null || t.dtype() != DType.F32 || t.elementCount() != rows * cols) {
            throw new IllegalArgumentException(op + ": " + arg + " must be F32 with " + rows + " rows of " + cols
                    + ", got " + (t == null ? "null" : t));
        }
    }

    /** The length of a non-empty F32 vector (any rank: its element count). */
    static int vector(String op, String arg, HostTensor t) {
        if (t == null || t.elementCount() == 0) {
            throw new IllegalArgumentException(op + ": " + arg + " must be a non-empty vector, got " + t);
        }
        count(op, arg, t, t.elementCount());
        return (int) t.elementCount();
    }

    /**
     * Runs body(block) for every block of blockRows(rows, cols) rows in [0, rows), in parallel when the work is large
     * enough. Block boundaries depend only on rows and cols, never on the thread count.
     */
    static void forEachBlock(int rows, long cols, IntConsumer body) {
        forEach(blocks(rows, cols), (long) blockRows(rows, cols) * cols, body);
    }

    /** Runs body(task) for task in [0, tasks): on the common fork/join pool unless the work is small. */
    static void forEach(int tasks, long elementsPerTask, IntConsumer body) {
        if (tasks <= 1 || tasks * elementsPerTask < 2 * GRAIN) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, tasks).parallel().forEach(body);
        }
    }

    /** Number of blocks forEachBlock uses. */
    static int blocks(int rows, long cols) {
        return (rows + blockRows(rows, cols) - 1) / Math.max(1, blockRows(rows, cols));
    }

    /** Rows per block: at least GRAIN elements per block, at most 256 blocks. */
    static int blockRows(int rows, long cols) {
        long byGrain = Math.max(1, GRAIN / Math.max(1, cols));
        long byCount = (rows + 255L) / 256;
        return (int) Math.max(1, Math.min(rows, Math.max(byGrain, byCount)));
    }
}
