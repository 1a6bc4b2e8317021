/*
 * ExportsTest.java — the loaded libgla4j exports exactly the functions gla.h declares: nothing missing, nothing
 * extra (hidden visibility must keep backend internals, cudart and libstdc++ out of the dynamic symbol table).
 * Reads the ELF .dynsym of the file NativeLibrary loaded.
 * Run: ./mvnw -o test -Dtest=ExportsTest -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExportsTest {

    @Test
    void exportsExactlyTheDeclaredFunctions() throws Exception {
        Path library = NativeLibrary.load();
        Set<String> declared = Header.read().functions().stream().map(Header.Function::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> exported = Elf64.exportedSymbols(library);
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(exported);
        Set<String> extra = new TreeSet<>(exported);
        extra.removeAll(declared);
        assertEquals("missing [] extra []", "missing " + missing + " extra " + extra, library.toString());
    }
}
