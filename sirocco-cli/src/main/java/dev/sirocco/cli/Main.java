package dev.sirocco.cli;

/** Entry point of {@code bin/sirocco}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("sirocco: no commands yet");
        System.exit(1);
    }
}
