/**
 * An XSLT 1.0 stylesheet that turns the RSS 2.0 and Atom 1.0 feeds into a
 * readable page. Current feeds no longer name it: browsers get a page rendered
 * by the server (`feed-page.ts`), since they are dropping XSLT. It is still
 * served for copies of the feeds saved or cached while they named it
 * (`<?xml-stylesheet type="text/xsl" href="...">`). Feed readers ignore it.
 *
 * Constraints, and why:
 * - XSLT 1.0 only: browsers run libxslt (Chromium) or TransforMiiX (Firefox),
 *   neither knows XSLT 2.0 functions.
 * - No `disable-output-escaping`: Firefox does not support it, and summaries
 *   shown as text cannot inject markup even if a feed carried some.
 * - Links are emitted only for `http(s)://` and root-relative URLs, so a
 *   `javascript:` link in a feed never becomes clickable.
 * - Self-contained: the same inline CSS as the HTML pages, no external files.
 */
import { escapeHtml } from "../text/xml";
import { PAGE_CSS } from "./layout";

/** Extra rules for the feed preview (banner, feed URL box). */
const FEED_CSS = `
.banner{background:var(--chip);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:.5rem;padding:1rem 1.25rem;margin-bottom:2rem}
.banner p{margin:0 0 .5rem}
.banner code{display:block;overflow-wrap:anywhere;font:.9rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg);border:1px solid var(--line);border-radius:.35rem;padding:.4rem .6rem;user-select:all}
.summary{margin:.4rem 0 0}
`.trim();

/**
 * The stylesheet text (serve as `text/xsl` or `application/xslt+xml`).
 * Matches `/rss` (with `dc:creator` and `content:encoded` in their usual
 * namespaces) and `/atom:feed`; output method `html`.
 */
export const FEED_STYLESHEET_XSL = `<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  exclude-result-prefixes="atom dc content">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- Shared page shell: head, banner with the feed URL, title and description. -->
  <xsl:template name="page">
    <xsl:param name="lang"/>
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="feedUrl"/>
    <xsl:param name="siteUrl"/>
    <xsl:param name="items"/>
    <html>
      <xsl:attribute name="lang">
        <xsl:choose>
          <xsl:when test="string($lang) != ''"><xsl:value-of select="$lang"/></xsl:when>
          <xsl:otherwise>en</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <head>
        <!-- No <meta charset>: the transformation result is already decoded (libxslt adds one when serialising). -->
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (web feed)</title>
        <style>${escapeHtml(PAGE_CSS)}
${escapeHtml(FEED_CSS)}</style>
      </head>
      <body>
        <div class="wrap">
          <div class="banner" lang="en">
            <p><strong>This is a web feed.</strong> Copy the URL into your feed reader to subscribe.</p>
            <xsl:if test="string($feedUrl) != ''">
              <code><xsl:value-of select="$feedUrl"/></code>
            </xsl:if>
          </div>
          <header class="site-header">
            <h1>
              <xsl:call-template name="link">
                <xsl:with-param name="href" select="$siteUrl"/>
                <xsl:with-param name="text" select="$title"/>
              </xsl:call-template>
            </h1>
            <xsl:if test="string($description) != ''">
              <p class="lede"><xsl:value-of select="$description"/></p>
            </xsl:if>
          </header>
          <main>
            <h2>Items</h2>
            <xsl:choose>
              <xsl:when test="$items">
                <ul class="articles"><xsl:apply-templates select="$items"/></ul>
              </xsl:when>
              <xsl:otherwise><p class="muted">This feed has no items yet.</p></xsl:otherwise>
            </xsl:choose>
          </main>
        </div>
      </body>
    </html>
  </xsl:template>

  <!-- An <a> only for http(s) and root-relative URLs; plain text otherwise. -->
  <xsl:template name="link">
    <xsl:param name="href"/>
    <xsl:param name="text"/>
    <xsl:param name="class"/>
    <xsl:variable name="url" select="normalize-space($href)"/>
    <xsl:choose>
      <xsl:when test="starts-with($url, 'https://') or starts-with($url, 'http://') or (starts-with($url, '/') and not(starts-with($url, '//')))">
        <a href="{$url}">
          <xsl:if test="string($class) != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
          <xsl:value-of select="$text"/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span>
          <xsl:if test="string($class) != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
          <xsl:value-of select="$text"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Atom dates are ISO 8601; in UTC ("...Z") they read better as "2024-06-19 08:00 UTC". -->
  <xsl:template name="iso-date">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="substring($value, string-length($value)) = 'Z' and string-length($value) &gt;= 17">
        <xsl:value-of select="concat(substring($value, 1, 10), ' ', substring($value, 12, 5), ' UTC')"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    RSS <description> (and Atom type="html" summaries) hold HTML, so a plain
    summary arrives with its special characters escaped once more ("AT&amp;T").
    Shown as text, that would read "AT&amp;T"; this undoes the five entities an
    escaper writes, in one left-to-right pass (so "&amp;lt;" stays "&lt;").
    The result is still written as text, so no markup can come through.
  -->
  <xsl:template name="html-to-text">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:variable name="entity" select="substring-before($rest, ';')"/>
        <xsl:choose>
          <xsl:when test="$entity = 'lt'">&lt;</xsl:when>
          <xsl:when test="$entity = 'gt'">&gt;</xsl:when>
          <xsl:when test="$entity = 'amp'">&amp;</xsl:when>
          <xsl:when test="$entity = 'quot'">"</xsl:when>
          <xsl:when test="$entity = '#39' or $entity = 'apos'">'</xsl:when>
          <xsl:otherwise>&amp;</xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="html-to-text">
          <xsl:with-param name="text">
            <xsl:choose>
              <xsl:when test="$entity = 'lt' or $entity = 'gt' or $entity = 'amp' or $entity = 'quot' or $entity = '#39' or $entity = 'apos'">
                <xsl:value-of select="substring-after($rest, ';')"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="/rss">
    <xsl:call-template name="page">
      <xsl:with-param name="lang" select="channel/language"/>
      <xsl:with-param name="title" select="channel/title"/>
      <xsl:with-param name="description" select="channel/description"/>
      <xsl:with-param name="feedUrl" select="channel/atom:link[@rel = 'self']/@href"/>
      <xsl:with-param name="siteUrl" select="channel/link"/>
      <xsl:with-param name="items" select="channel/item"/>
    </xsl:call-template>
  </xsl:template>

  <!-- One list entry, whatever the format: link, date, authors, summary as text. -->
  <xsl:template name="entry">
    <xsl:param name="href"/>
    <xsl:param name="title"/>
    <xsl:param name="date"/>
    <xsl:param name="authors"/>
    <xsl:param name="summary"/>
    <xsl:param name="summaryIsHtml"/>
    <li>
      <xsl:call-template name="link">
        <xsl:with-param name="href" select="$href"/>
        <xsl:with-param name="text" select="$title"/>
        <xsl:with-param name="class" select="'title'"/>
      </xsl:call-template>
      <p class="meta">
        <xsl:value-of select="$date"/>
        <xsl:if test="$authors">
          <xsl:text> · by </xsl:text>
          <xsl:for-each select="$authors">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:value-of select="."/>
          </xsl:for-each>
        </xsl:if>
      </p>
      <xsl:if test="string($summary) != ''">
        <p class="summary">
          <xsl:choose>
            <xsl:when test="$summaryIsHtml">
              <xsl:call-template name="html-to-text">
                <xsl:with-param name="text" select="string($summary)"/>
              </xsl:call-template>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="$summary"/></xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="entry">
      <xsl:with-param name="href" select="link"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="date" select="pubDate"/>
      <xsl:with-param name="authors" select="dc:creator | author"/>
      <xsl:with-param name="summary" select="description"/>
      <xsl:with-param name="summaryIsHtml" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="/atom:feed">
    <xsl:call-template name="page">
      <xsl:with-param name="lang" select="@xml:lang"/>
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="description" select="atom:subtitle"/>
      <xsl:with-param name="feedUrl" select="atom:link[@rel = 'self']/@href"/>
      <xsl:with-param name="siteUrl" select="(atom:link[@rel = 'alternate'] | atom:link[not(@rel)])[1]/@href"/>
      <xsl:with-param name="items" select="atom:entry"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="entry">
      <xsl:with-param name="href" select="(atom:link[@rel = 'alternate'] | atom:link[not(@rel)])[1]/@href"/>
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="date">
        <xsl:call-template name="iso-date">
          <xsl:with-param name="value" select="atom:published | atom:updated[not(../atom:published)]"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="authors" select="atom:author/atom:name"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="summaryIsHtml" select="atom:summary/@type = 'html'"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
`;
