/*
 * BindingsTest.java — GlaH and the struct classes match native/include/gla.h: every GLA_API function has exactly one
 * binding with the same arity and carrier types (pointer -> MemorySegment, int32_t/uint32_t -> int, int64_t -> long,
 * float -> float; gla_status -> int), in both the Java method and its FunctionDescriptor; there is no binding for a
 * function the header does not declare; every enum value and macro has its value; struct layouts have the header's
 * fields, in order, with matching sizes. The descriptor check loads the library (jextract's holder classes resolve
 * the symbol together with the descriptor) but calls nothing.
 * Run: ./mvnw -o test -Dtest=BindingsTest -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class BindingsTest {

    private static final Header HEADER = Header.read();

    static Class<?> carrier(String cType) {
        if (cType.endsWith("*")) {
            return MemorySegment.class;
        }
        return switch (cType.replace("const ", "")) {
            case "int32_t", "uint32_t", "gla_status" -> int.class;
            case "int64_t" -> long.class;
            case "float" -> float.class;
            case "char" -> byte.class;
            default -> throw new AssertionError("no carrier mapping for C type '" + cType + "'");
        };
    }

    private static List<Method> bindings() {
        return Arrays.stream(GlaH.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getName().startsWith("gla_") && !m.getName().contains("$"))
                .toList();
    }

    @Test
    void headerDeclaresTheExpectedFunctions() {
        // Guards the parser: if it silently found nothing, every other check here would pass vacuously.
        Set<String> names = HEADER.functions().stream().map(Header.Function::name).collect(Collectors.toSet());
        assertTrue(names.size() >= 25, "parsed only " + names);
        assertTrue(names.containsAll(Set.of("gla_version", "gla_chunk_fwd", "gla_chunk_bwd", "gla_decode_step")));
    }

    @Test
    void everyDeclaredFunctionHasOneBindingWithTheSameCarriers() throws Exception {
        NativeLibrary.load();
        List<String> problems = new ArrayList<>();
        for (Header.Function f : HEADER.functions()) {
            List<Method> found = bindings().stream().filter(m -> m.getName().equals(f.name())).toList();
            if (found.size() != 1) {
                problems.add(f.name() + ": " + found.size() + " bindings");
                continue;
            }
            Method m = found.getFirst();
            List<Class<?>> expected = f.parameterTypes().stream().<Class<?>>map(BindingsTest::carrier).toList();
            if (m.getReturnType() != int.class) {
                problems.add(f.name() + ": returns " + m.getReturnType() + ", gla_status is int");
            }
            if (!List.of(m.getParameterTypes()).equals(expected)) {
                problems.add(f.name() + ": parameters " + List.of(m.getParameterTypes()) + ", header says "
                        + f.parameterTypes() + " -> " + expected);
            }
            FunctionDescriptor d = (FunctionDescriptor) GlaH.class.getMethod(f.name() + "$descriptor").invoke(null);
            List<Class<?>> layoutCarriers = d.argumentLayouts().stream()
                    .<Class<?>>map(l -> ((ValueLayout) l).carrier()).toList();
            if (!layoutCarriers.equals(expected)) {
                problems.add(f.name() + ": descriptor carriers " + layoutCarriers + ", header says " + expected);
            }
            if (d.returnLayout().map(l -> ((ValueLayout) l).carrier()).orElse(null) != int.class) {
                problems.add(f.name() + ": descriptor returns " + d.returnLayout());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void noBindingWithoutADeclaration() {
        Set<String> declared = HEADER.functions().stream().map(Header.Function::name).collect(Collectors.toSet());
        Set<String> extra = new TreeSet<>();
        for (Method m : bindings()) {
            if (!declared.contains(m.getName())) {
                extra.add(m.getName());
            }
        }
        assertTrue(extra.isEmpty(), "bindings not declared in gla.h: " + extra);
    }

    @Test
    void constantsHaveTheHeaderValues() throws Exception {
        Map<String, Integer> constants = HEADER.constants();
        assertTrue(constants.containsKey("GLA_ERROR_INTERNAL") && constants.containsKey("GLA_CPU_AVX512F"),
                "parsed " + constants.keySet());
        for (Map.Entry<String, Integer> c : constants.entrySet()) {
            assertEquals(c.getValue(), GlaH.class.getMethod(c.getKey()).invoke(null), c.getKey());
        }
        for (Status s : Status.values()) {
            if (s != Status.UNKNOWN) {
                String name = s == Status.OK ? "GLA_OK" : "GLA_ERROR_" + s.name();
                assertEquals(constants.get(name), s.code(), name);
            }
        }
    }

    @Test
    void structLayoutsMatchTheHeader() {
        checkStruct("gla_dims", gla_dims.layout(), 64);
        checkStruct("gla_device_info", gla_device_info.layout(), 288);
        checkStruct("gla_linear_dims", gla_linear_dims.layout(), 48);
        checkStruct("gla_linear_output", gla_linear_output.layout(), 40);
        checkStruct("gla_gate_proj", gla_gate_proj.layout(), 40);
    }

    private static void checkStruct(String name, GroupLayout layout, long size) {
        List<Header.Field> fields = HEADER.struct(name);
        List<MemoryLayout> members = layout.memberLayouts().stream().filter(l -> !(l instanceof PaddingLayout)).toList();
        assertEquals(fields.size(), members.size(), name + ": " + fields + " vs " + members);
        assertEquals(size, layout.byteSize(), name + " size");
        for (int i = 0; i < fields.size(); i++) {
            Header.Field f = fields.get(i);
            MemoryLayout l = members.get(i);
            assertEquals(f.name(), l.name().orElse("?"), name + " field " + i);
            if (f.arrayLength() > 0) {
                SequenceLayout s = (SequenceLayout) l;
                assertEquals(f.arrayLength(), s.elementCount(), name + "." + f.name());
                assertEquals(carrier(f.type()), ((ValueLayout) s.elementLayout()).carrier(), name + "." + f.name());
            } else {
                assertEquals(carrier(f.type()), ((ValueLayout) l).carrier(), name + "." + f.name());
            }
        }
        assertFalse(layout.memberLayouts().stream().anyMatch(l -> l instanceof PaddingLayout),
                name + " has padding the header says it does not");
    }

    @Test
    void carrierMappingRejectsUnknownTypes() {
        try {
            carrier("double");
            fail("double has no mapping in this ABI");
        } catch (AssertionError expected) {
            // the mapping is deliberately closed: a new C type in gla.h must be mapped on purpose
        }
    }
}
