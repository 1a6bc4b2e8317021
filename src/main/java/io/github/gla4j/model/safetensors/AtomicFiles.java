/*
 * Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the target,
 * then fsync the directory. A reader sees the old file or the new one, never a torn one; a reader that has
 * the old file mapped keeps its (unlinked) data. Tested through SafeTensorsRoundTripTest and CheckpointTest.
 */
package io.github.gla4j.model.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Writes files atomically (temp file + fsync + atomic rename). */
public final class AtomicFiles {
    private static final int STAGING_BYTES = 1 << 20;

    /** Writes the body of a file. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} atomically with what {@code body} writes; on failure the target is untouched. */
    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        // Not Files.createTempFile: that makes the file 0600, and a checkpoint should get the usual umask mode.
        Path tmp = dir.resolve("." + target.getFileName() + "." + random + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Replaces {@code target} atomically with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    /**
     * Writes any segment (heap, native or mapped, of any size) through a small native staging buffer:
     * heap segments over non-byte arrays cannot be viewed as ByteBuffers, and ByteBuffers are int-sized.
     */
    static void writeSegment(FileChannel ch, MemorySegment data, MemorySegment staging) throws IOException {
        for (long off = 0; off < data.byteSize(); off += staging.byteSize()) {
            long n = Math.min(staging.byteSize(), data.byteSize() - off);
            MemorySegment.copy(data, off, staging, 0, n);
            writeFully(ch, staging.asSlice(0, n).asByteBuffer());
        }
    }

    static MemorySegment allocateStaging(Arena arena) {
        return arena.allocate(STAGING_BYTES, 64);
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable. Some platforms cannot open a directory for sync; the rename is still atomic.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException unsupported) {
            // durability of the directory entry is best effort where the OS does not offer it
        }
    }
}
