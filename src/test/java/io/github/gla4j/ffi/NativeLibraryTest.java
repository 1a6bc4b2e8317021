/*
 * NativeLibraryTest.java — where the library comes from: the override path (system property, then environment,
 * a file or a directory), the bundled resource extracted into a content-addressed cache (XDG_CACHE_HOME respected,
 * reused when intact, replaced when not), and an error listing what was searched when nothing is found.
 * Run: ./mvnw -o test -Dtest=NativeLibraryTest -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibraryTest {

    @TempDir
    Path tmp;

    @Test
    void propertyWinsOverEnvironmentAndAcceptsAFileOrADirectory() throws Exception {
        Path lib = Files.write(tmp.resolve(NativeLibrary.FILE_NAME), new byte[]{1});
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.write(other.resolve(NativeLibrary.FILE_NAME), new byte[]{2});
        Map<String, String> env = Map.of(NativeLibrary.PATH_ENVIRONMENT, other.toString());
        assertEquals(lib.toAbsolutePath(), NativeLibrary.locate(lib.toString(), env, "linux-x86_64").file());
        assertEquals(lib.toAbsolutePath(), NativeLibrary.locate(tmp.toString(), env, "linux-x86_64").file());
        assertEquals(other.resolve(NativeLibrary.FILE_NAME).toAbsolutePath(),
                NativeLibrary.locate(null, env, "linux-x86_64").file());
    }

    @Test
    void aMissingOverrideSaysWhatWasSearched() {
        Path missing = tmp.resolve("nowhere").resolve("libgla4j.so");
        UnsatisfiedLinkError property = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibrary.locate(missing.toString(), Map.of(), "linux-x86_64"));
        assertTrue(property.getMessage().contains("system property gla4j.library.path"), property.getMessage());
        assertTrue(property.getMessage().contains(missing.toString()), property.getMessage());
        UnsatisfiedLinkError env = assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.locate(null,
                Map.of(NativeLibrary.PATH_ENVIRONMENT, missing.toString()), "linux-x86_64"));
        assertTrue(env.getMessage().contains("environment variable GLA4J_LIBRARY_PATH"), env.getMessage());
    }

    @Test
    void anEmptyBundledLibraryIsRefusedAndNotCached() {
        // src/test/resources/native/test-empty/libgla4j.so is empty, as a library being relinked can be.
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibrary.locate(null, Map.of("XDG_CACHE_HOME", tmp.toString()), "test-empty"));
        assertTrue(e.getMessage().contains("/native/test-empty/libgla4j.so: empty"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("gla4j")), "nothing may be cached");
    }

    @Test
    void aPlatformWithoutABundledLibrarySaysWhatWasSearched() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibrary.locate(null, Map.of("XDG_CACHE_HOME", tmp.toString()), "plan9-mips"));
        assertTrue(e.getMessage().contains("/native/plan9-mips/libgla4j.so"), e.getMessage());
        assertTrue(e.getMessage().contains("gla4j.library.path") && e.getMessage().contains("GLA4J_LIBRARY_PATH"),
                e.getMessage());
    }

    @Test
    void extractsOnceIntoAContentAddressedDirectory() throws Exception {
        byte[] bytes = {0x7f, 'E', 'L', 'F', 1, 2, 3};
        Path first = NativeLibrary.extract(bytes, tmp);
        assertEquals(tmp.resolve(NativeLibrary.sha256(bytes)).resolve(NativeLibrary.FILE_NAME), first);
        assertArrayEquals(bytes, Files.readAllBytes(first));
        FileTime written = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(first, written);
        assertEquals(first, NativeLibrary.extract(bytes, tmp));
        assertEquals(written, Files.getLastModifiedTime(first), "an intact cached copy is not rewritten");
        Files.write(first, new byte[]{9});
        assertEquals(first, NativeLibrary.extract(bytes, tmp));
        assertArrayEquals(bytes, Files.readAllBytes(first), "a damaged cached copy is replaced");
        try (var files = Files.list(first.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void cacheRootFollowsXdg() {
        assertEquals(tmp.resolve("gla4j"), NativeLibrary.cacheRoot(Map.of("XDG_CACHE_HOME", tmp.toString())));
        Path home = Path.of(System.getProperty("user.home"), ".cache", "gla4j");
        assertEquals(home, NativeLibrary.cacheRoot(Map.of()));
        assertEquals(home, NativeLibrary.cacheRoot(Map.of("XDG_CACHE_HOME", "relative/dir")), "relative is ignored");
    }

    @Test
    void loadsTheBundledLibraryFromTheCache() {
        Path loaded = NativeLibrary.load();
        assertTrue(Files.isRegularFile(loaded));
        if (System.getProperty(NativeLibrary.PATH_PROPERTY) == null && System.getenv(NativeLibrary.PATH_ENVIRONMENT) == null) {
            Path root = NativeLibrary.cacheRoot(System.getenv());
            assertEquals(root, loaded.getParent().getParent(), "extracted under " + root);
            assertEquals(NativeLibrary.FILE_NAME, loaded.getFileName().toString());
        }
        assertEquals(loaded, NativeLibrary.load(), "loaded once");
    }
}
