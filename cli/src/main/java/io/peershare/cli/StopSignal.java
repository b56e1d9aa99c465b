package io.peershare.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM as a service manager sends it to stop a service: the JVM's own handler runs the shutdown
 * hooks and then exits with 143 (128 + 15), which systemd counts as a failure unless the unit says
 * {@code SuccessExitStatus=143}. A server that stopped in order because it was asked to has not
 * failed: with this handler it runs the same hooks and exits with 0. SIGINT (Ctrl-C) keeps the
 * JVM's handler (exit 130), as a person interrupting a command expects.
 *
 * <p>Through {@code sun.misc.Signal} (module {@code jdk.unsupported}, open to the class path) by
 * reflection: the compiler refuses the type itself under {@code -Werror}. Where it is missing, the
 * JVM's handler stays.
 */
final class StopSignal {
  private StopSignal() {}

  /**
   * Makes SIGTERM end the process with exit code 0 after the shutdown hooks ran; false when this
   * JVM cannot (the JVM's handler, exit 143, stays).
   */
  static boolean exitZeroOnTerm() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      InvocationHandler exit =
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  System.exit(0); // the shutdown hooks run, then the JVM exits with 0
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "exit 0 on SIGTERM";
              };
      Object handler =
          Proxy.newProxyInstance(
              StopSignal.class.getClassLoader(), new Class<?>[] {handlerType}, exit);
      Method handle = signal.getMethod("handle", signal, handlerType);
      handle.invoke(null, signal.getConstructor(String.class).newInstance("TERM"), handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
