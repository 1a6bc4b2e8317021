/*
 * Header.java — reads native/include/gla.h for the binding tests: the GLA_API function declarations (name and
 * parameter types), the enum values and GLA_* integer macros, and the fields of a struct. A deliberately small
 * parser for this one header's style, not for C in general.
 */
package io.github.gla4j.ffi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Header {

    static final Path PATH = Path.of("native", "include", "gla.h");

    record Function(String name, List<String> parameterTypes) {
    }

    record Field(String name, String type, int arrayLength) {
    }

    private final String text;

    private Header(String text) {
        this.text = text;
    }

    static Header read() {
        try {
            String raw = Files.readString(PATH);
            return new Header(raw.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " "));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PATH.toAbsolutePath() + " (run tests from the project root)", e);
        }
    }

    List<Function> functions() {
        List<Function> out = new ArrayList<>();
        Matcher m = Pattern.compile("GLA_API\\s+gla_status\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*;").matcher(text);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            for (String p : m.group(2).split(",")) {
                String param = p.trim().replaceAll("\\s+", " ");
                // the type is everything before the parameter name: "const int64_t* cu_seqlens" -> "const int64_t*"
                types.add(param.replaceAll("\\s*\\w+$", "").replace(" *", "*").trim());
            }
            out.add(new Function(m.group(1), types));
        }
        return out;
    }

    /** Enum values (GLA_X = n) and integer macros (#define GLA_X n / nu), by name. */
    Map<String, Integer> constants() {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher e = Pattern.compile("\\b(GLA_[A-Z0-9_]+)\\s*=\\s*(\\d+)").matcher(text);
        while (e.find()) {
            out.put(e.group(1), Integer.parseInt(e.group(2)));
        }
        Matcher d = Pattern.compile("#define\\s+(GLA_[A-Z0-9_]+)\\s+(\\d+)u?\\s").matcher(text);
        while (d.find()) {
            out.put(d.group(1), Integer.parseInt(d.group(2)));
        }
        return out;
    }

    /** The fields of "typedef struct name { ... } name;" in order. */
    List<Field> struct(String name) {
        Matcher m = Pattern.compile("typedef\\s+struct\\s+" + name + "\\s*\\{(.*?)\\}\\s*" + name + "\\s*;", Pattern.DOTALL)
                .matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("struct " + name + " not found in " + PATH);
        }
        List<Field> out = new ArrayList<>();
        for (String decl : m.group(1).split(";")) {
            // pointers keep their star on the type: "const float* bias" -> type "const float*"
            Matcher f = Pattern.compile("^\\s*([\\w *]+?)\\s*(\\w+)\\s*(?:\\[(\\d+)\\])?\\s*$").matcher(decl);
            if (f.find()) {
                String type = f.group(1).replaceAll("\\s*\\*", "*").trim();
                out.add(new Field(f.group(2), type, f.group(3) == null ? 0 : Integer.parseInt(f.group(3))));
            }
        }
        return out;
    }
}
