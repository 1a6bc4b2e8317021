/*
 * Elf64.java — a minimal reader of the exported symbols of an ELF64 little-endian shared library (.dynsym), for
 * ExportsTest; no external tools. Exported = defined (st_shndx != SHN_UNDEF), binding GLOBAL or WEAK, visibility
 * DEFAULT or PROTECTED.
 */
package io.github.gla4j.ffi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

final class Elf64 {

    private static final int SHT_DYNSYM = 11;
    private static final int STB_GLOBAL = 1, STB_WEAK = 2;
    private static final int STV_DEFAULT = 0, STV_PROTECTED = 3;
    private static final int SYM_SIZE = 24;

    private Elf64() {
    }

    static Set<String> exportedSymbols(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464C457F) {
            throw new IOException(file + " is not an ELF file");
        }
        if (b.get(4) != 2 || b.get(5) != 1) {
            throw new IOException(file + " is not ELF64 little-endian");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < shnum; i++) {
            int sh = Math.toIntExact(shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != SHT_DYNSYM) {
                continue;
            }
            int symOffset = Math.toIntExact(b.getLong(sh + 0x18));
            long symSize = b.getLong(sh + 0x20);
            int link = b.getInt(sh + 0x28);
            long entSize = b.getLong(sh + 0x38);
            if (entSize != SYM_SIZE) {
                throw new IOException(file + ": .dynsym entry size " + entSize);
            }
            int strtab = Math.toIntExact(shoff + (long) link * shentsize);
            int strOffset = Math.toIntExact(b.getLong(strtab + 0x18));
            for (long s = 0; s < symSize / SYM_SIZE; s++) {
                int sym = Math.toIntExact(symOffset + s * SYM_SIZE);
                int name = b.getInt(sym);
                int info = Byte.toUnsignedInt(b.get(sym + 4));
                int visibility = b.get(sym + 5) & 3;
                int shndx = Short.toUnsignedInt(b.getShort(sym + 6));
                int binding = info >>> 4;
                boolean exported = shndx != 0 && (binding == STB_GLOBAL || binding == STB_WEAK)
                        && (visibility == STV_DEFAULT || visibility == STV_PROTECTED);
                if (exported) {
                    out.add(cString(b, strOffset + name));
                }
            }
        }
        return out;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
