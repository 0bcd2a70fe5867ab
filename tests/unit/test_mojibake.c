/*
 * test_mojibake.c: mojibake_repair on text taken from the real feeds
 * that carry double-encoded UTF-8 (Le Monde, Spiegel, FAZ, derStandard,
 * 20minutos, Indian Express, Mirror and others of the corpus), on text
 * that only looks unusual and must come back byte for byte (Latin-1
 * names, Portuguese Ã, French spacing, Czech, physics, mathematics, CJK,
 * Cyrillic), on mixed and partly mangled text, on windows-1252's five
 * undefined bytes, and on text encoded two and three times over.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "parsers/mojibake.h"

struct mcase {
	const char	*in;
	const char	*want;	/* NULL: must come back unchanged */
};

/* Titles and summaries as the outlets serve them (from the corpus). */
static const struct mcase outlets[] = {
	/* Le Monde */
	{ "Le Monde.fr - ActualitÃ©s et Infos en France et dans le monde",
	  "Le Monde.fr - Actualités et Infos en France et dans le monde" },
	{ "Piratage imputÃ© Ã\xc2\xa0 la Russie : Poutine mis en cause",
	  "Piratage imputé à la Russie : Poutine mis en cause" },
	{ "CES 2017, la French touch Ã\xc2\xa0 Las Vegas",
	  "CES 2017, la French touch à Las Vegas" },
	{ "une Â« bulle Â» dâ€™information",
	  "une « bulle » d’information" },
	/* Spiegel */
	{ "Polizeieinsatz in KÃ¶lner Silvesternacht: Alles richtig gemacht.",
	  "Polizeieinsatz in Kölner Silvesternacht: Alles richtig gemacht." },
	{ "FÃ¼nf Tote im Flughafen: TÃ¤ter von Fort Lauderdale",
	  "Fünf Tote im Flughafen: Täter von Fort Lauderdale" },
	/* FAZ */
	{ "KÃ¤ltewelle in Europa: FlÃ¼chtlinge und Obdachlose erfrieren",
	  "Kältewelle in Europa: Flüchtlinge und Obdachlose erfrieren" },
	{ "Infineon-Chef: â€žOhne uns fÃ¤hrt kein Fahrzeug autonomâ€œ",
	  "Infineon-Chef: „Ohne uns fährt kein Fahrzeug autonom“" },
	{ "Ãœber den Wolken: Das Bergdorf La Grave",
	  "Über den Wolken: Das Bergdorf La Grave" },
	/* derStandard */
	{ "Diskussion - \"FlÃ¼chtlingskrise ist Medienkrise\"",
	  "Diskussion - \"Flüchtlingskrise ist Medienkrise\"" },
	{ "Balkanskys Liste genuiner DummkÃ¶pfe, Heuchler und Menschenfeinde",
	  "Balkanskys Liste genuiner Dummköpfe, Heuchler und Menschenfeinde" },
	/* 20minutos */
	{ "EEUU dice que Putin ordenÃ³ ciberataques por su \"clara\" "
	  "preferencia",
	  "EEUU dice que Putin ordenó ciberataques por su \"clara\" "
	  "preferencia" },
	{ "Â¿QuÃ© dÃ\xc2\xad" "a es hoy? SegÃºn la Inteligencia de EEUU",
	  "¿Qué día es hoy? Según la Inteligencia de EEUU" },
	/* Indian Express */
	{ "Israel cuts $6 millionÂ\xc2\xa0in UN funding",
	  "Israel cuts $6 million\xc2\xa0in UN funding" },
	{ "killing five at Fort Lauderdale airportÂ\xc2\xa0",
	  "killing five at Fort Lauderdale airport\xc2\xa0" },
	/* Mirror */
	{ "Tonight's winning numbers for Â£31 million jackpot",
	  "Tonight's winning numbers for £31 million jackpot" },
	{ "'We have a special sex lifeâ€™: Quadriplegic man",
	  "'We have a special sex life’: Quadriplegic man" },
	/* Le Figaro, Japan Today, RomaToday: same damage elsewhere */
	{ "Â«En Ã©crivant j'ai eu le sentiment de reprendreÂ»",
	  "«En écrivant j'ai eu le sentiment de reprendre»" },
	{ "National â€º Publisher ordered to suspend publication",
	  "National › Publisher ordered to suspend publication" },
	{ "Arianna Greco al â€œSalotto Teatraleâ€\xc2\x9d",
	  "Arianna Greco al “Salotto Teatrale”" },
	/* HTML content: markup and entities pass through */
	{ "<p>Schon lÃ¤nger haderten die <b>KÃ¶lner</b> &amp; Co.</p>",
	  "<p>Schon länger haderten die <b>Kölner</b> &amp; Co.</p>" },
	/* Yandex: Cyrillic, with the undefined byte 0x8F in "я" */
	{ "Ð’ ÐœÐ¾Ñ\xc2\x81ÐºÐ²Ðµ Ð¾Ð±ÑŠÑ\xc2\x8fÐ²Ð»ÐµÐ½ "
	  "Â«Ð¾Ñ€Ð°Ð½Ð¶ÐµÐ²Ñ‹Ð¹Â»",
	  "В Москве объявлен «оранжевый»" },
	/* CJK and emoji double-encoded */
	{ "ä¸\xc2\xadå›½ ðŸ˜€", "中国 😀" },
	/* Decomposed "é" (e + U+0301): the combining mark after a letter */
	{ "cafeÌ\xc2\x81 crÃ¨me", "cafe\xcc\x81 crème" },
};

/* Unusual text as written: must come back byte for byte. */
static const char *const untouched[] = {
	"",
	"plain ASCII, nothing to see",
	"François Hollande, José Martí, Zoë, Ångström, Øresund",
	"Łódź, Dvořák, Kyïv, Straße, İstanbul",
	/* Portuguese and Vietnamese Ã, word-final before punctuation */
	"SÃO PAULO — ELEIÇÃO, NÃO",
	"“IRMÃ”",
	"A IRMÃ…",
	"MAÇÃ» e mais",
	"ĐÃ–",
	"E VOCÊ…",
	/* French spacing, Italian and Czech capitals */
	"« Il est allé\xc2\xa0»",
	"«L’ÉTÉ»",
	"SÉCURITÉ\xc2\xa0: PERCHÈ” COSÌ” PIÙ»",
	"VÍŠ, ÚŽASNÁ",
	"NESTLÉ®",
	/* physics and mathematics */
	"a cell of 10 Å² and 3 Å³",
	"x² + y² ≤ z², ∀x ∈ ℝ, 3×½, ±5 °C, µm",
	/* other scripts */
	"中国 习近平 日本語のテキスト 한국어",
	"Москва, Ελλάδα, עברית, العربية, हिन्दी, বাংলা",
	"emoji 😀 and ⏺️ stay",
	/* a windows-1252 symbol that is valid on its own */
	"Price: 5 €, “quoted” – and … ‘so on’",
	/* a lone lead, a lead at the very end */
	"Ã",
	"Ã la carte",
	"BRASÃ",
	/* the undefined byte lost on the way: nothing to read back */
	"Teatraleâ€?",
	/* line noise: a letter touches the candidates (feedparser's
	 * bozo_linenoise case) */
	"â€™â€\xc2\x9dŠ",
	"KÃ¤Ålte",
	/* C1 controls and undefined bytes on their own */
	"a\xc2\x81z \xc2\x8d \xc2\x9d",
	/* Hebrew gap and IPA: not plausible repairs */
	"×½ É»",
};

/* Mixed and partly mangled text. */
static const struct mcase mixed[] = {
	/* A real ’ beside mangled ones (Indian Express) */
	{ "Fresh protests in Nepal: Prachanda’s â€˜secretâ€™ meet",
	  "Fresh protests in Nepal: Prachanda’s ‘secret’ meet" },
	/* A real £ and € beside mangled ones (Londonist) */
	{ "Credit limit: Â£1,200. Price £5 or â‚¬19",
	  "Credit limit: £1,200. Price £5 or €19" },
	/* Only punctuation beside: all repaired, ambiguous ones too */
	{ "GeorgiÃ« en vroeÃ«r Ãªrens [\xe2\x80\xa6]",
	  "Georgië en vroeër êrens [\xe2\x80\xa6]" },
	/* A real letter beside: only the sure ones ("voilÃ " stays) */
	{ "Müller: voilÃ\xc2\xa0 KÃ¤lte",
	  "Müller: voilÃ\xc2\xa0 Kälte" },
	/* Cut in the middle of a sequence */
	{ "Les conditions hivernales marquÃ©es s'Ã©tendent. Ce samedi aprÃ",
	  "Les conditions hivernales marquées s'étendent. Ce samedi aprÃ" },
	/* Cut inside a three-byte sequence */
	{ "The worldâ€™s biggest show. Itâ€", "The world’s biggest show. Itâ€" },
	/* A stray invalid byte does not stop the rest */
	{ "\xff KÃ¤lte", "\xff Kälte" },
	/* Only ambiguous sequences: no evidence, nothing done */
	{ "Marie-NoÃ«lle", NULL },
};

/* windows-1252's undefined bytes 0x81 0x8D 0x8F 0x90 0x9D, kept as the
 * C1 code points of the same value by the mis-decoding. */
static const struct mcase undefined[] = {
	{ "Ð\xc2\x81 Ð\xc2\x9d Ñ\xc2\x8f Ñ\xc2\x90 Ð\xc2\x8d",
	  "Ё Н я ѐ Ѝ" },
	{ "Ð\xc2\x81Ð»ÐºÐ°", "Ёлка" },
	{ "Â¿MERECERÃ\xc2\x81?", "¿MERECERÁ?" },
	{ "â€œDear Customerâ€\xc2\x9d", "“Dear Customer”" },
	{ "Ã\xc2\x8dndice", "Índice" },
	{ "PÃ\xc2\x90", "PÐ" },
};

/* Encoded twice and three times over. */
static const struct mcase layers[] = {
	{ "KÃƒÂ¤ltewelle", "Kältewelle" },
	{ "KÃƒÆ’Ã‚Â¤ltewelle", "Kältewelle" },
	{ "dÃ¢â‚¬â„¢information", "d’information" },
};

static void
check_case(const char *in, const char *want)
{
	char *s = strdup(in);
	size_t n;

	ck_assert_ptr_nonnull(s);
	n = mojibake_repair(s);
	if (want == NULL) {
		ck_assert_str_eq(s, in);
		ck_assert_uint_eq(n, 0);
	} else {
		ck_assert_str_eq(s, want);
		ck_assert_uint_gt(n, 0);
		/* Repaired text is left alone the second time. */
		ck_assert_uint_eq(mojibake_repair(s), 0);
		ck_assert_str_eq(s, want);
	}
	free(s);
}

START_TEST(test_outlets)
{
	check_case(outlets[_i].in, outlets[_i].want);
}
END_TEST

START_TEST(test_untouched)
{
	check_case(untouched[_i], NULL);
}
END_TEST

START_TEST(test_mixed)
{
	check_case(mixed[_i].in, mixed[_i].want);
}
END_TEST

START_TEST(test_undefined)
{
	check_case(undefined[_i].in, undefined[_i].want);
}
END_TEST

START_TEST(test_layers)
{
	check_case(layers[_i].in, layers[_i].want);
}
END_TEST

/* What the count says, and that the function takes NULL. */
START_TEST(test_count)
{
	char s[] = "KÃ¤lte und NÃ¤sse";
	char t[] = "KÃƒÂ¤lte";

	ck_assert_uint_eq(mojibake_repair(NULL), 0);
	ck_assert_uint_eq(mojibake_repair(s), 2);
	ck_assert_str_eq(s, "Kälte und Nässe");
	/* Two layers: two characters in the first pass, one in the second. */
	ck_assert_uint_eq(mojibake_repair(t), 3);
	ck_assert_str_eq(t, "Kälte");
}
END_TEST

/* A long mangled text: repaired through to its end, in place. */
START_TEST(test_long)
{
	const char *unit = "FlÃ¼chtlinge â€“ ";
	const char *fixed = "Flüchtlinge – ";
	size_t i, nu = strlen(unit), nf = strlen(fixed), reps = 5000;
	char *s = malloc(nu * reps + 1), *want = malloc(nf * reps + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(want);
	for (i = 0; i < reps; i++) {
		memcpy(s + i * nu, unit, nu);
		memcpy(want + i * nf, fixed, nf);
	}
	s[nu * reps] = '\0';
	want[nf * reps] = '\0';
	ck_assert_uint_eq(mojibake_repair(s), 2 * reps);
	ck_assert_str_eq(s, want);
	free(s);
	free(want);
}
END_TEST


static Suite *
mojibake_suite(void)
{
	Suite *s = suite_create("mojibake");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_outlets, 0, (int)NELEM(outlets));
	tcase_add_loop_test(tc, test_untouched, 0, (int)NELEM(untouched));
	tcase_add_loop_test(tc, test_mixed, 0, (int)NELEM(mixed));
	tcase_add_loop_test(tc, test_undefined, 0, (int)NELEM(undefined));
	tcase_add_loop_test(tc, test_layers, 0, (int)NELEM(layers));
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mojibake_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
