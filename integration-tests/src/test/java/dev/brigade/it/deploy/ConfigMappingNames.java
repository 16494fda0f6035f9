package dev.brigade.it.deploy;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property names a program's {@code @ConfigMapping} interfaces declare, by reflection on
 * those interfaces compiled here from the current sources (so the check needs no earlier build
 * of the programs and always sees the code as it is): method {@code shutdownGrace} under prefix
 * {@code brigade.worker} is {@code brigade.worker.shutdown-grace}; nested groups add their own
 * segment, as SmallRye Config does.
 */
final class ConfigMappingNames {
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
    private static final Set<Class<?>> LEAF_WRAPPERS = Set.of(Optional.class, OptionalInt.class, OptionalLong.class,
            OptionalDouble.class, List.class, Set.class, Map.class);

    private ConfigMappingNames() {
    }

    /** Every property name declared by the mappings found in these source folders. */
    static Set<String> declaredIn(List<Path> sourceFolders) {
        List<Path> mappingSources = new ArrayList<>();
        List<String> mappingClasses = new ArrayList<>();
        for (Path folder : sourceFolders) {
            for (Path file : RepositoryFiles.filesUnder(folder, ".java")) {
                String text = RepositoryFiles.read(file);
                if (MAPPING.matcher(text).find()) {
                    Matcher pkg = PACKAGE.matcher(text);
                    String simple = file.getFileName().toString().replace(".java", "");
                    mappingSources.add(file);
                    mappingClasses.add(pkg.find() ? pkg.group(1) + "." + simple : simple);
                }
            }
        }
        Path classes = compile(mappingSources, sourceFolders);
        Set<String> names = new TreeSet<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ConfigMappingNames.class.getClassLoader())) {
            for (String className : mappingClasses) {
                Class<?> mapping = loader.loadClass(className);
                names.addAll(propertiesOf(mapping, prefixOf(mapping)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("compiled but cannot load " + e.getMessage(), e);
        }
        return names;
    }

    private static Path compile(List<Path> sources, List<Path> sourceFolders) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new AssertionError("these tests need a JDK (javac), not a JRE");
        }
        try {
            Path out = Files.createTempDirectory("brigade-config-mappings");
            List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "-d", out.toString(),
                    "-classpath", testClassPath(),
                    "-sourcepath", String.join(java.io.File.pathSeparator, sourceFolders.stream().map(Path::toString).toList())));
            sources.forEach(s -> args.add(s.toString()));
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = javac.run(null, null, errors, args.toArray(String[]::new));
            if (status != 0) {
                throw new AssertionError("cannot compile the configuration interfaces " + sources + ":\n" + errors);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire states the test class path in its own property when it launches through a manifest-only jar. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static String prefixOf(Class<?> mapping) {
        for (Annotation annotation : mapping.getAnnotations()) {
            if (annotation.annotationType().getName().equals("io.smallrye.config.ConfigMapping")) {
                return (String) invoke(annotation, "prefix");
            }
        }
        throw new AssertionError(mapping + " lost its @ConfigMapping annotation");
    }

    private static List<String> propertiesOf(Class<?> group, String prefix) {
        List<String> names = new ArrayList<>();
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = prefix + "." + nameOf(method);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && !LEAF_WRAPPERS.contains(type) && !type.getName().startsWith("java.")) {
                names.addAll(propertiesOf(type, name));
            } else {
                names.add(name);
            }
        }
        return names;
    }

    private static String nameOf(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().getName().equals("io.smallrye.config.WithName")) {
                return (String) invoke(annotation, "value");
            }
        }
        return kebab(method.getName());
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Object invoke(Annotation annotation, String element) {
        try {
            return annotation.annotationType().getMethod(element).invoke(annotation);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
