package org.contrastive4j.report;

import java.util.Locale;

/** Tiny HTML helpers shared by the report pages (inline CSS only, so a page is one self-contained file). */
final class Html {

    static final String CSS = """
            body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;background:#f6f7f9;color:#222}
            main{max-width:1000px;margin:0 auto;padding:24px 28px 60px;background:#fff}
            h1{margin:0 0 4px;font-size:26px} h2{margin-top:36px;border-bottom:1px solid #e3e3e3;padding-bottom:4px}
            .sub{color:#666;margin:0 0 18px}
            .cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
            .card{flex:1 1 140px;border:1px solid #e3e3e3;border-radius:8px;padding:10px 14px;background:#fafbfc}
            .card .v{font-size:24px;font-weight:600} .card .k{color:#666;font-size:13px}
            .target{color:#1f77b4} .noise{color:#e8710a} .good{color:#2a9d2a} .bad{color:#c62828}
            img{max-width:100%;height:auto;border:1px solid #eee;border-radius:4px;margin:8px 0}
            table{border-collapse:collapse;margin:10px 0;font-size:14px}
            th,td{border:1px solid #e3e3e3;padding:4px 10px;text-align:right}
            th{background:#f2f4f7} td.l,th.l{text-align:left}
            tr.best td{font-weight:600}
            p.note{color:#555;font-size:14px;max-width:900px}
            code{background:#f2f4f7;padding:1px 4px;border-radius:3px}
            """;

    private Html() {}

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title><style>" + CSS + "</style></head><body><main>\n";
    }

    static String tail() {
        return "</main></body></html>\n";
    }

    static String img(String fileName, String alt) {
        // Linked to itself so a click opens the full-size PNG (the page scales wide images down).
        return "<a href=\"" + escape(fileName) + "\"><img src=\"" + escape(fileName) + "\" alt=\"" + escape(alt)
                + "\"></a>\n";
    }

    static String card(String key, String value, String cssClass) {
        return "<div class=\"card\"><div class=\"v" + (cssClass == null ? "" : " " + cssClass) + "\">"
                + escape(value) + "</div><div class=\"k\">" + escape(key) + "</div></div>";
    }

    /** Fixed-precision number, or "n/a" when not finite. */
    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "n/a";
    }

    static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "n/a";
    }
}
