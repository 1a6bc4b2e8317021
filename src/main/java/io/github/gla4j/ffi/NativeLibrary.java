/*
 * NativeLibrary.java — finds and loads libgla4j once per JVM.
 *
 * Search order:
 *   1. the system property gla4j.library.path, then the environment variable GLA4J_LIBRARY_PATH: a library file, or a
 *      directory holding libgla4j.so. When one is set it is the only place searched (an explicit choice must not be
 *      silently replaced by the bundled copy).
 *   2. the jar resource /native/linux-x86_64/libgla4j.so, extracted once into a content-addressed cache directory,
 *      $XDG_CACHE_HOME/gla4j/<sha256>/libgla4j.so (default ~/.cache), written atomically so concurrent JVMs never
 *      load a half-written file.
 * A failure throws UnsatisfiedLinkError listing every place searched and why each failed.
 * Tested by NativeLibraryTest.
 */
package io.github.gla4j.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class NativeLibrary {

    public static final String PATH_PROPERTY = "gla4j.library.path";
    public static final String PATH_ENVIRONMENT = "GLA4J_LIBRARY_PATH";
    public static final String FILE_NAME = "libgla4j.so";

    private static volatile Path loaded;

    private NativeLibrary() {
    }

    /** Loads the library unless already loaded; returns the file that was loaded. */
    @SuppressWarnings("restricted") // System.load is the point; the JVM still enforces --enable-native-access
    public static Path load() {
        Path path = loaded;
        if (path != null) {
            return path;
        }
        synchronized (NativeLibrary.class) {
            if (loaded == null) {
                Located found = locate(System.getProperty(PATH_PROPERTY), System.getenv(), platform());
                try {
                    System.load(found.file().toString());
                } catch (UnsatisfiedLinkError e) {
                    throw new UnsatisfiedLinkError("cannot load libgla4j from " + found.file() + " (" + found.source()
                            + "): " + e.getMessage());
                }
                loaded = found.file();
            }
            return loaded;
        }
    }

    /** The loaded library file, loading it first if needed. */
    public static Path path() {
        return load();
    }

    /** "linux-x86_64" etc.: the resource folder of the bundled library for this JVM's platform. */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    /** The resource path of the bundled library for a platform. */
    public static String resourcePath(String platform) {
        return "/native/" + platform + "/" + FILE_NAME;
    }

    /** A library file and where it came from (for error messages). */
    record Located(Path file, String source) {
    }

    /**
     * Finds (and, for the bundled copy, extracts) the library file without loading it. Package-private so tests can
     * drive it with their own property and environment.
     */
    static Located locate(String property, Map<String, String> env, String platform) {
        List<String> searched = new ArrayList<>();
        if (property != null && !property.isBlank()) {
            return explicit(property, "system property " + PATH_PROPERTY, searched);
        }
        String fromEnv = env.get(PATH_ENVIRONMENT);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return explicit(fromEnv, "environment variable " + PATH_ENVIRONMENT, searched);
        }
        String resource = resourcePath(platform);
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                searched.add("class path resource " + resource + ": not found (no bundled library for " + platform + ")");
                throw notFound(searched);
            }
            bytes = in.readAllBytes();
            if (bytes.length == 0) {
                // An empty resource is a library being rebuilt under a running JVM's class path: never cache it.
                searched.add("class path resource " + resource + ": empty (was the library being rebuilt?)");
                throw notFound(searched);
            }
        } catch (IOException e) {
            searched.add("class path resource " + resource + ": " + e);
            throw notFound(searched);
        }
        Path cacheRoot = cacheRoot(env);
        try {
            return new Located(extract(bytes, cacheRoot), "class path resource " + resource);
        } catch (IOException e) {
            searched.add("class path resource " + resource + ", extracted under " + cacheRoot + ": " + e);
            throw notFound(searched);
        }
    }

    private static Located explicit(String value, String source, List<String> searched) {
        Path p = Path.of(value);
        Path file = Files.isDirectory(p) ? p.resolve(FILE_NAME) : p;
        if (Files.isRegularFile(file) && Files.isReadable(file)) {
            return new Located(file.toAbsolutePath(), source);
        }
        searched.add(source + " = " + value + ": " + file.toAbsolutePath() + " is not a readable file");
        throw notFound(searched);
    }

    /** $XDG_CACHE_HOME/gla4j when set (and absolute, as the XDG spec requires), else ~/.cache/gla4j. */
    static Path cacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "gla4j");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "gla4j");
    }

    /** Writes bytes to root/<sha256>/libgla4j.so unless an identical file is there already; returns that file. */
    static Path extract(byte[] bytes, Path root) throws IOException {
        String digest = sha256(bytes);
        Path dir = root.resolve(digest);
        Path target = dir.resolve(FILE_NAME);
        if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).equals(digest)) {
            return target;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static UnsatisfiedLinkError notFound(List<String> searched) {
        StringBuilder sb = new StringBuilder("cannot load libgla4j; searched:");
        for (String s : searched) {
            sb.append("\n  - ").append(s);
        }
        if (searched.size() == 1 && searched.getFirst().startsWith("class path resource")) {
            sb.append("\n  set -D").append(PATH_PROPERTY).append(" or ").append(PATH_ENVIRONMENT)
                    .append(" to a libgla4j.so built from native/ (cmake)");
        }
        return new UnsatisfiedLinkError(sb.toString());
    }
}
