import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.file.JavacFileManager;
import com.sun.tools.javac.parser.ScannerFactory;
import com.sun.tools.javac.parser.Tokens;
import com.sun.tools.javac.util.Context;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.TreeSet;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Independent per-file counts for Java, from javac itself: code lines are the lines any token of
 * javac's scanner spans (a text block spans all its lines), functions are the parse tree's
 * methods and constructors with a body (anonymous classes' included) plus lambdas. Prints one
 * JSON object keyed by path. Needs javac's internal packages exported (see gojava_agreement.py).
 */
public class CountJava {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    StringBuilder out = new StringBuilder("{");
    for (int i = 1; i < args.length; i++) {
      String rel = args[i];
      String src = Files.readString(root.resolve(rel));
      Context ctx = new Context();
      JavacFileManager.preRegister(ctx);
      com.sun.tools.javac.parser.Scanner sc = ScannerFactory.instance(ctx).newScanner(src, false);
      int[] starts = lineStarts(src);
      TreeSet<Integer> lines = new TreeSet<>();
      for (sc.nextToken(); sc.token().kind != Tokens.TokenKind.EOF; sc.nextToken()) {
        Tokens.Token t = sc.token();
        for (int l = line(starts, t.pos); l <= line(starts, Math.max(t.pos, t.endPos - 1)); l++) {
          lines.add(l);
        }
      }
      JavaFileObject file =
          new SimpleJavaFileObject(URI.create("string:///" + rel), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreErrors) {
              return src;
            }
          };
      JavacTask task =
          (JavacTask)
              ToolProvider.getSystemJavaCompiler()
                  .getTask(null, null, d -> {}, java.util.List.of("-proc:none"), null,
                      java.util.List.of(file));
      int[] funcs = {0};
      for (CompilationUnitTree unit : task.parse()) {
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethod(MethodTree m, Void v) {
            if (m.getBody() != null) funcs[0]++;
            return super.visitMethod(m, v);
          }

          @Override
          public Void visitLambdaExpression(LambdaExpressionTree l, Void v) {
            funcs[0]++;
            return super.visitLambdaExpression(l, v);
          }
        }.scan(unit, null);
      }
      if (i > 1) out.append(',');
      out.append('"').append(rel.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":{\"code\":")
          .append(lines.size()).append(",\"funcs\":").append(funcs[0]).append('}');
    }
    System.out.println(out.append('}'));
  }

  static int[] lineStarts(String s) {
    ArrayList<Integer> a = new ArrayList<>();
    a.add(0);
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') a.add(i + 1);
    return a.stream().mapToInt(Integer::intValue).toArray();
  }

  static int line(int[] starts, int pos) {
    int i = Arrays.binarySearch(starts, pos);
    return i >= 0 ? i + 1 : -i - 1;
  }
}
