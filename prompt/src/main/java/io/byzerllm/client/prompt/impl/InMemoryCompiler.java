package io.byzerllm.client.prompt.impl;

import io.byzerllm.client.prompt.PromptException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles one Java source in memory with the JDK's compiler and loads its classes in a fresh class loader. */
final class InMemoryCompiler {
  private InMemoryCompiler() {}

  /**
   * Compiles {@code source} (a public class {@code className}) against the running classpath plus the
   * locations of {@code visible} classes, and loads it with {@code parent} as parent loader.
   */
  static Class<?> compile(String className, String source, ClassLoader parent, List<Class<?>> visible) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new PromptException("no Java compiler in this runtime; impl() needs a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, null);
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    JavaFileManager files = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(uri(name, kind), kind) {
          @Override
          public OutputStream openOutputStream() {
            return classes.computeIfAbsent(name, n -> new ByteArrayOutputStream());
          }
        };
      }
    };
    List<String> options = List.of("-proc:none", "-nowarn", "-classpath", classpath(visible));
    JavaFileObject unit = new SimpleJavaFileObject(uri(className, JavaFileObject.Kind.SOURCE),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    boolean ok = compiler.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
    if (!ok) {
      String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
          .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(null)).collect(Collectors.joining("\n"));
      throw new PromptException("the model's code does not compile:\n" + errors + "\n--- code ---\n" + source);
    }
    try {
      return new BytesClassLoader(parent, classes).loadClass(className);
    } catch (ClassNotFoundException e) {
      throw new PromptException("the model's code compiled but defines no class " + className, e);
    }
  }

  private static URI uri(String name, JavaFileObject.Kind kind) {
    try {
      return new URI("mem:///" + name.replace('.', '/') + kind.extension);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  private static String classpath(List<Class<?>> visible) {
    Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
    for (Class<?> c : visible) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        try {
          entries.add(Path.of(source.getLocation().toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          // a location that is not a file (e.g. a jrt: class) needs no classpath entry
        }
      }
    }
    entries.remove("");
    return String.join(File.pathSeparator, new ArrayList<>(entries));
  }

  /** Defines the compiled classes on demand; the parent sees the user's types. */
  private static final class BytesClassLoader extends ClassLoader {
    private final Map<String, ByteArrayOutputStream> classes;

    BytesClassLoader(ClassLoader parent, Map<String, ByteArrayOutputStream> classes) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      ByteArrayOutputStream bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      byte[] b = bytes.toByteArray();
      return defineClass(name, b, 0, b.length);
    }
  }
}
