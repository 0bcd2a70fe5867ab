/*
 * test_teaser.c: word counts in the corpus's scripts and the cut marks
 * of excerpts, with texts that must not count as cut.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/teaser.h"

START_TEST(test_words)
{
	ck_assert_uint_eq(teaser_words(""), 0);
	ck_assert_uint_eq(teaser_words("  \n\t "), 0);
	ck_assert_uint_eq(teaser_words("The UN's envoy met 3 ministers."), 6);
	ck_assert_uint_eq(teaser_words("Kyïv, Kyiv — «Zürich» l'état"), 4);
	/* Cyrillic, Greek, Arabic, Hebrew, Devanagari: spaced. */
	ck_assert_uint_eq(teaser_words("Президент подписал указ"), 3);
	ck_assert_uint_eq(teaser_words("Η κυβέρνηση ανακοίνωσε"), 3);
	ck_assert_uint_eq(teaser_words("قال الرئيس، اليوم"), 3);
	ck_assert_uint_eq(teaser_words("ראש הממשלה אמר"), 3);
	ck_assert_uint_eq(teaser_words("प्रधानमंत्री ने कहा।"), 3);
	/* Han and kana: two characters a word, rounded up. */
	ck_assert_uint_eq(teaser_words("习近平会见外国领导人"), 5);
	ck_assert_uint_eq(teaser_words("中国"), 1);
	ck_assert_uint_eq(teaser_words("東京で会議。"), 3);
	ck_assert_uint_eq(teaser_words("中国 and Japan"), 3);
	/* Thai: five characters a word. */
	ck_assert_uint_eq(teaser_words("นายกรัฐมนตรี"), 3);
	/* Invalid bytes separate words and never crash. */
	ck_assert_uint_eq(teaser_words("ab\xff" "cd \xc3"), 2);
}
END_TEST

START_TEST(test_truncated)
{
	static const char *cut[] = {
		"The talks went on until late...",
		"The talks went on until late\xe2\x80\xa6",
		"The talks went on [\xe2\x80\xa6]",
		"The talks went on [...]",
		"The talks went on. Read more",
		"The talks went on. Read more \xc2\xbb",
		"The talks went on. Continue reading \xe2\x86\x92",
		"Les pourparlers continuent. Lire la suite",
		"Die Gespräche gehen weiter. Weiterlesen",
		"Las conversaciones siguen. Leer más",
		"Переговоры продолжаются. Читать далее",
		"会谈仍在继续。阅读全文",
		"The talks went on. (more…)",
		"Text of the post. The post Talks go on appeared first on "
		    "Example News.",
	};
	static const char *whole[] = {
		"",
		"The talks ended with an agreement.",
		"There is much more to say about this.",
		"Ich will mehr",
		"He said: wait.",
		"Is this the end?",
		"Furthermore",
	};
	size_t i;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		ck_assert_msg(teaser_truncated(cut[i]) == 1, "not cut: %s",
		    cut[i]);
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		ck_assert_msg(teaser_truncated(whole[i]) == 0, "cut: %s",
		    whole[i]);
}
END_TEST

START_TEST(test_is_teaser)
{
	char *long_text;
	size_t i;

	ck_assert_int_eq(teaser_is_teaser("Two sentences. Only.", 150), 1);
	long_text = malloc(200 * 6 + 8);	/* room for "..." */
	ck_assert_ptr_nonnull(long_text);
	for (i = 0; i < 200; i++)
		memcpy(long_text + i * 6, "word, ", 6);
	long_text[200 * 6 - 2] = '.';
	long_text[200 * 6 - 1] = '\0';
	ck_assert_int_eq(teaser_is_teaser(long_text, 150), 0);
	ck_assert_int_eq(teaser_is_teaser(long_text, 201), 1);
	/* Long, but cut. */
	long_text[200 * 6 - 2] = '\0';
	strcat(long_text, "...");
	ck_assert_int_eq(teaser_is_teaser(long_text, 150), 1);
	free(long_text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("teaser");
	TCase *tc = tcase_create("teaser");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_is_teaser);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
