package io.peershare.cli;

/** Entry point of the {@code peershare} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("peershare");
  }
}
