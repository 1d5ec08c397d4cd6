package dev.begone.daemon;

/**
 * Whether an account is doing its job, for {@code /healthz}.
 *
 * @param detail one line for people: why not, or when it last succeeded
 */
public record Health(String account, boolean ok, String detail) {}
