/*
 * html_allow.c: the allow-lists of the HTML sanitizer, as sorted tables.
 *
 * The names are feedparser's (sanitizer.py, documented in its
 * docs/html-sanitization.rst): acceptable elements, attributes, CSS
 * properties and CSS keywords.  Tables stay sorted in strcmp order (a
 * unit test checks it), which keeps them easy to compare with feedparser's
 * lists; look-ups go through a hash table (allow_has).
 */
#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_allow.h"
#include "base/util.h"

static const char *const elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside",
	"audio", "b", "big", "blockquote", "br", "button", "canvas",
	"caption", "center", "cite", "code", "col", "colgroup", "command",
	"datagrid", "datalist", "dd", "del", "details", "dfn", "dialog",
	"dir", "div", "dl", "dt", "em", "event-source", "fieldset",
	"figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3",
	"h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd",
	"keygen", "label", "legend", "li", "m", "map", "menu", "meter",
	"multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option",
	"output", "p", "pre", "progress", "q", "s", "samp", "section",
	"select", "small", "sound", "source", "spacer", "span", "strike",
	"strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot",
	"th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
};

static const char *const attributes[] = {
	"abbr", "accept", "accept-charset", "accesskey", "action", "align",
	"alt", "autocomplete", "autofocus", "axis", "background", "balance",
	"bgcolor", "bgproperties", "border", "bordercolor",
	"bordercolordark", "bordercolorlight", "bottompadding",
	"cellpadding", "cellspacing", "ch", "challenge", "char", "charoff",
	"charset", "checked", "choff", "cite", "class", "clear", "color",
	"cols", "colspan", "compact", "contenteditable", "controls",
	"coords", "data", "datafld", "datapagesize", "datasrc", "datetime",
	"default", "delay", "dir", "disabled", "draggable", "dynsrc",
	"enctype", "end", "face", "for", "form", "frame", "galleryimg",
	"gutter", "headers", "height", "hidden", "hidefocus", "high", "href",
	"hreflang", "hspace", "icon", "id", "inputmode", "ismap", "keytype",
	"label", "lang", "leftspacing", "list", "longdesc", "loop",
	"loopcount", "loopend", "loopstart", "low", "lowsrc", "max",
	"maxlength", "media", "method", "min", "multiple", "name", "nohref",
	"noshade", "nowrap", "open", "optimum", "pattern", "ping",
	"point-size", "poster", "pqg", "preload", "prompt", "radiogroup",
	"readonly", "rel", "repeat-max", "repeat-min", "replace", "required",
	"rev", "rightspacing", "rows", "rowspan", "rules", "scope",
	"selected", "shape", "size", "span", "src", "start", "step", "style",
	"summary", "suppress", "tabindex", "target", "template", "title",
	"toppadding", "type", "unselectable", "urn", "usemap", "valign",
	"value", "variable", "volume", "vrml", "vspace", "width", "wrap",
	"xml:lang",
};

static const char *const css_properties[] = {
	"azimuth", "background-color", "border-bottom-color",
	"border-collapse", "border-color", "border-left-color",
	"border-right-color", "border-top-color", "clear", "color", "cursor",
	"direction", "display", "elevation", "float", "font", "font-family",
	"font-size", "font-style", "font-variant", "font-weight", "height",
	"letter-spacing", "line-height", "overflow", "pause", "pause-after",
	"pause-before", "pitch", "pitch-range", "richness", "speak",
	"speak-header", "speak-numeral", "speak-punctuation", "speech-rate",
	"stress", "text-align", "text-decoration", "text-indent",
	"unicode-bidi", "vertical-align", "voice-family", "volume",
	"white-space", "width",
};

static const char *const css_keywords[] = {
	"!important", "aqua", "auto", "black", "block", "blue", "bold",
	"both", "bottom", "brown", "center", "collapse", "dashed", "dotted",
	"fuchsia", "gray", "green", "italic", "left", "lime", "maroon",
	"medium", "navy", "none", "normal", "nowrap", "olive", "pointer",
	"purple", "red", "right", "silver", "solid", "teal", "top",
	"transparent", "underline", "white", "yellow",
};

/*
 * SVG and MathML, allowed inside <svg>/<math> with their namespace;
 * SVG names in lower case (see svg_camel).  feedparser's lists, cut to
 * what static pictures and formulas need: nothing that animates (SMIL's
 * animate, set and their attributeName/values/from/to/by can rewrite an
 * href after sanitizing, into javascript: or anything else), nothing
 * that embeds other markup (foreignObject, annotation-xml's encoding,
 * which would make its content HTML), no xml:base, and no namespace
 * declarations from the input (html.c writes the ones it needs).  href
 * and xlink:href remain: html.c checks them (see write_attr).
 */
static const char *const svg_elements[] = {
	"a", "circle", "defs", "desc", "ellipse", "font-face",
	"font-face-name", "font-face-src", "g", "glyph", "hkern", "line",
	"lineargradient", "marker", "metadata", "missing-glyph", "path",
	"polygon", "polyline", "radialgradient", "rect", "stop", "svg",
	"switch", "text", "title", "tspan", "use",
};
static const char *const svg_attributes[] = {
	"accent-height", "alphabetic", "arabic-form", "ascent",
	"baseprofile", "bbox", "cap-height", "class", "color",
	"color-rendering", "cx", "cy", "d", "descent", "display", "dx", "dy",
	"fill", "fill-opacity", "fill-rule", "font-family", "font-size",
	"font-stretch", "font-style", "font-variant", "font-weight", "fx",
	"fy", "g1", "g2", "glyph-name", "gradientunits", "hanging", "height",
	"horiz-adv-x", "horiz-origin-x", "href", "id", "ideographic", "k",
	"lang", "marker-end", "marker-mid", "marker-start", "markerheight",
	"markerunits", "markerwidth", "mathematical", "name", "offset",
	"opacity", "orient", "overline-position", "overline-thickness",
	"panose-1", "pathlength", "points", "preserveaspectratio", "r",
	"refx", "refy", "requiredextensions", "requiredfeatures", "rotate",
	"rx", "ry", "slope", "stemh", "stemv", "stop-color", "stop-opacity",
	"strikethrough-position", "strikethrough-thickness", "stroke",
	"stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
	"stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
	"stroke-width", "systemlanguage", "target", "text-anchor",
	"transform", "type", "u1", "u2", "underline-position",
	"underline-thickness", "unicode", "unicode-range", "units-per-em",
	"version", "viewbox", "visibility", "width", "widths", "x",
	"x-height", "x1", "x2", "xlink:actuate", "xlink:arcrole",
	"xlink:href", "xlink:role", "xlink:show", "xlink:title", "xlink:type",
	"xml:lang", "xml:space", "y", "y1", "y2", "zoomandpan",
};
static const char *const mathml_elements[] = {
	"annotation", "annotation-xml", "maction", "maligngroup",
	"malignmark", "math", "menclose", "merror", "mfenced", "mfrac",
	"mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo",
	"mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms",
	"mscarries", "mscarry", "msgroup", "msline", "mspace", "msqrt",
	"msrow", "mstack", "mstyle", "msub", "msubsup", "msup", "mtable",
	"mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
};
static const char *const mathml_attributes[] = {
	"accent", "accentunder", "align", "alignmentscope", "altimg",
	"altimg-height", "altimg-valign", "altimg-width", "alttext",
	"bevelled", "charalign", "close", "columnalign", "columnlines",
	"columnspacing", "columnspan", "columnwidth", "crossout",
	"decimalpoint", "denomalign", "depth", "dir", "display",
	"displaystyle", "edge", "equalcolumns", "equalrows", "fence",
	"fontstyle", "fontweight", "form", "frame", "framespacing",
	"groupalign", "height", "href", "id", "indentalign",
	"indentalignfirst", "indentalignlast", "indentshift",
	"indentshiftfirst", "indentshiftlast", "indenttarget",
	"infixlinebreakstyle", "largeop", "length", "linebreak",
	"linebreakmultchar", "linebreakstyle", "lineleading", "linethickness",
	"location", "longdivstyle", "lquote", "lspace", "mathbackground",
	"mathcolor", "mathsize", "mathvariant", "maxsize", "minlabelspacing",
	"minsize", "movablelimits", "notation", "numalign", "open", "other",
	"overflow", "position", "rowalign", "rowlines", "rowspacing",
	"rowspan", "rquote", "rspace", "scriptlevel", "scriptminsize",
	"scriptsizemultiplier", "selection", "separator", "separators",
	"shift", "side", "src", "stackalign", "stretchy", "subscriptshift",
	"superscriptshift", "symmetric", "voffset", "width", "xlink:href",
	"xlink:show", "xlink:type",
};
static const char *const svg_css_properties[] = {
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-linecap",
	"stroke-linejoin", "stroke-opacity", "stroke-width",
};
/* The mixed-case SVG names, restored after the HTML parser lowercased
 * them. */
static const char *const svg_camel[] = {
	"baseProfile", "gradientUnits", "linearGradient", "markerHeight",
	"markerUnits", "markerWidth", "pathLength", "preserveAspectRatio",
	"radialGradient", "refX", "refY", "requiredExtensions",
	"requiredFeatures", "systemLanguage", "viewBox", "zoomAndPan",
};

/* Go with their content (feedparser's unacceptable_elements_with_end_tag). */
static const char *const dropped[] = {
	"applet", "script", "style",
};

/* Written without an end tag (feedparser's elements_no_end_tag). */
static const char *const voids[] = {
	"area", "base", "basefont", "br", "col", "command", "embed", "frame",
	"hr", "img", "input", "isindex", "keygen", "link", "meta", "param",
	"source", "track", "wbr",
};

/* Elements html.c's fast tokenizer leaves to libxml2: raw text (but
 * script and style, which it reads as libxml2 does), document structure,
 * foreign content. */
static const char *const fast_refused[] = {
	"applet", "body", "frameset", "head", "html", "math", "noembed",
	"noframes", "noscript", "plaintext", "svg", "textarea", "title",
	"xmp",
};

/* Attributes holding a URL, in any of the allow-lists: their scheme is
 * checked. */
static const char *const url_attrs[] = {
	"action", "altimg", "background", "cite", "data", "datasrc",
	"dynsrc", "href", "icon", "longdesc", "lowsrc", "ping", "poster",
	"src", "usemap", "vrml", "xlink:href",
};

/* element/attribute pairs resolved against the base (feedparser's
 * RelativeURIResolver.relative_uris, where the element is allowed). */
static const char *const relative_uris[] = {
	"a/href", "area/href", "audio/src", "blockquote/cite", "del/cite",
	"form/action", "img/longdesc", "img/src", "img/usemap", "input/src",
	"input/usemap", "ins/cite", "q/cite", "source/src", "video/poster",
	"video/src",
};

static const struct {
	const char *const	*t;
	size_t			 n;
} tables[] = {
	[ALLOW_ELEMENT] = { elements, NELEM(elements) },
	[ALLOW_ATTRIBUTE] = { attributes, NELEM(attributes) },
	[ALLOW_CSS_PROPERTY] = { css_properties, NELEM(css_properties) },
	[ALLOW_CSS_KEYWORD] = { css_keywords, NELEM(css_keywords) },
	[ALLOW_DROPPED] = { dropped, NELEM(dropped) },
	[ALLOW_VOID] = { voids, NELEM(voids) },
	[ALLOW_URL_ATTR] = { url_attrs, NELEM(url_attrs) },
	[ALLOW_RELATIVE] = { relative_uris, NELEM(relative_uris) },
	[ALLOW_SVG_ELEMENT] = { svg_elements, NELEM(svg_elements) },
	[ALLOW_SVG_ATTRIBUTE] = { svg_attributes, NELEM(svg_attributes) },
	[ALLOW_MATHML_ELEMENT] = { mathml_elements, NELEM(mathml_elements) },
	[ALLOW_MATHML_ATTRIBUTE] = { mathml_attributes,
	    NELEM(mathml_attributes) },
	[ALLOW_SVG_CSS] = { svg_css_properties, NELEM(svg_css_properties) },
	[ALLOW_FAST_REFUSED] = { fast_refused, NELEM(fast_refused) },
};

/*
 * allow_has runs several times per element and attribute of every
 * fragment, and a bsearch of strcmp calls was a tenth of the parse time:
 * every name of every table goes once into one open-addressing hash
 * table (built on first use) with the set of tables it belongs to, so a
 * look-up is one hash and, mostly, one strcmp.
 */
#define HASH_SLOTS	2048	/* a power of two, over twice the names */

static struct slot {
	const char	*name;
	uint32_t	 tables;	/* bit t: in table t */
} hash[HASH_SLOTS];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void
hash_build(void)
{
	uint32_t h;
	size_t t, i;

	for (t = 0; t < NELEM(tables); t++)
		for (i = 0; i < tables[t].n; i++) {
			h = str_hash(tables[t].t[i]);
			for (;; h++) {
				struct slot *sl = &hash[h & (HASH_SLOTS - 1)];

				if (sl->name == NULL)
					sl->name = tables[t].t[i];
				else if (strcmp(sl->name, tables[t].t[i]) != 0)
					continue;
				sl->tables |= 1u << t;
				break;
			}
		}
}

unsigned
allow_mask(const char *name)
{
	uint32_t h;

	(void)pthread_once(&hash_once, hash_build);
	for (h = str_hash(name);; h++) {
		const struct slot *sl = &hash[h & (HASH_SLOTS - 1)];

		if (sl->name == NULL)
			return 0;
		if (sl->name[0] == name[0] && strcmp(sl->name, name) == 0)
			return sl->tables;
	}
}

int
allow_has(enum allow_table t, const char *name)
{
	return ALLOW_IN(allow_mask(name), t);
}

const char *
allow_svg_name(const char *lower)
{
	size_t i;

	for (i = 0; i < NELEM(svg_camel); i++)
		if (strcasecmp(svg_camel[i], lower) == 0)
			return svg_camel[i];
	return lower;
}

int
allow_check_sorted(void)
{
	size_t i, j;

	for (i = 0; i < NELEM(tables); i++)
		for (j = 1; j < tables[i].n; j++)
			if (strcmp(tables[i].t[j - 1], tables[i].t[j]) >= 0)
				return -1;
	return 0;
}
