/*
 * teaser.h: whether an entry's own text is only a teaser, so that the
 * article behind its link is worth fetching (full_content = auto).  Pure
 * functions of the entry's plain text (html_to_text() of its content or
 * summary).
 */
#ifndef FEEDD_TEASER_H
#define FEEDD_TEASER_H

#include <stddef.h>

/*
 * The number of words in text (UTF-8): runs of letters and digits in
 * scripts that separate words with spaces; in scripts that do not, one
 * word per two Han or kana characters and per five Thai, Lao, Khmer or
 * Myanmar characters (their average word lengths), rounded up.
 */
size_t	teaser_words(const char *text);

/*
 * 1 when text ends as a cut-off excerpt does: an ellipsis ("...", "…",
 * "[…]"), a "read more" link text in one of the corpus's languages, or
 * WordPress's "The post ... appeared first on ...".
 */
int	teaser_truncated(const char *text);

/* 1 when text is a teaser: fewer than min_words words, or truncated. */
int	teaser_is_teaser(const char *text, size_t min_words);

#endif
