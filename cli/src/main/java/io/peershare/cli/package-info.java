/** The {@code peershare} command: picocli subcommands and the interactive peer shell. */
package io.peershare.cli;
