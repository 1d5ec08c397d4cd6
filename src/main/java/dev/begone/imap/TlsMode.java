package dev.begone.imap;

/** How the connection is encrypted: TLS from the first byte (IMAPS) or upgraded with STARTTLS. */
public enum TlsMode {
    IMPLICIT,
    STARTTLS
}
