package dev.begone.pipeline;

/**
 * What a scan did, for isbg's statistics lines and exit codes.
 *
 * @param messages new messages scored
 * @param spam     of those, spam (filed or deleted)
 * @param deleted  of the spam, deleted outright (isbg's "was automatically deleted")
 * @param unsure   messages the classifier would not decide on (left alone, not counted as spam)
 * @param skipped  messages the classifier failed on, to be tried again next run (not counted in {@code messages})
 * @param failed   messages the classifier failed on too often: given up and left where they are
 */
public record ScanResult(int messages, int spam, int deleted, int unsure, int skipped, int failed) {}
