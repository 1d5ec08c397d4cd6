package dev.begone.pipeline;

/**
 * What a scan did, for isbg's statistics lines and exit codes.
 *
 * @param messages new messages scored
 * @param spam     of those, spam (filed or deleted)
 * @param deleted  of the spam, deleted outright (isbg's "was automatically deleted")
 * @param unsure   messages the classifier would not decide on (left alone, not counted as spam)
 */
public record ScanResult(int messages, int spam, int deleted, int unsure) {}
