-- forklore.lua — Pandoc Lua filter that frames forklore's woven chapters.
--
-- Input: the Pandoc Markdown written by nw2md.awk.  Each chapter is a
-- Div .nwchapter (data-stem, data-num, data-file); each code chunk is a
-- Div .nwchunk whose data-* attributes carry everything noweb's
-- cross-referencer told us (name, number, previous/next definition,
-- where it is used, identifiers it defines) around one CodeBlock.
--
-- Output, per writer:
--   html   chunk header (⟨name⟩ number ≡, permalink, "continued from"),
--          footer ("continued in", "used in", "defines"); heading ids
--          "sec-<slug>"; links to the current page made page-local.
--   latex  the same through \nwchunkhead / \nwchunkfoot (book/latex/
--          preamble.tex); all chapters share one document, so every id
--          becomes "<stem>:<id>" and "page.html#id" links are rewritten.
--
-- Chunk anchors are computed by nw2md.awk from chunk names; this filter
-- never invents a positional id.

local stringify = pandoc.utils.stringify
local is_latex = FORMAT:match('latex') ~= nil
local is_html = FORMAT:match('html') ~= nil

local function slug(s)
  s = s:lower():gsub('[^a-z0-9_]+', '-'):gsub('^%-+', ''):gsub('%-+$', '')
  if s == '' then s = 'section' end
  return s
end

local function html_escape(s)
  return (s:gsub('&', '&amp;'):gsub('<', '&lt;'):gsub('>', '&gt;'):gsub('"', '&quot;'))
end

-- Known chapter stems (filled from the document itself)
local stems = {}

-- Resolve a link target as written in the Markdown ("page.html#id",
-- "page.html" or "#id") for the writer, from chapter `cur`.
local function resolve(target, cur)
  local page, frag = target:match('^([%w_.%-]+)%.html#(.+)$')
  if not page then
    page = target:match('^([%w_.%-]+)%.html$')
    if not page then
      frag = target:match('^#(.+)$')
      if frag then page = cur end
    end
  end
  if not page or not stems[page] then return target end
  if is_latex then
    return '#' .. page .. (frag and (':' .. frag) or '')
  end
  if page == cur and frag then return '#' .. frag end
  return target
end

-- "href|num href|num" → list of {href=, num=}
local function refs(s)
  local l = {}
  for item in (s or ''):gmatch('%S+') do
    local h, n = item:match('^(.*)|(.*)$')
    if h then l[#l + 1] = { href = h, num = n } end
  end
  return l
end

local function words(s)
  local l = {}
  for w in (s or ''):gmatch('%S+') do l[#l + 1] = w end
  return l
end

-- Inline list: "1.2, 1.5 and 2.1" as links
local function ref_inlines(list, cur)
  local out = {}
  for i, r in ipairs(list) do
    if i > 1 then
      out[#out + 1] = pandoc.Str(i == #list and ' and ' or ', ')
    end
    out[#out + 1] = pandoc.Link({ pandoc.Str(r.num) }, resolve(r.href, cur))
  end
  return out
end

local function append(dst, src)
  for _, x in ipairs(src) do dst[#dst + 1] = x end
  return dst
end

-- "a, b and c": each reference of a list written by one(r), joined
local function join_refs(list, one)
  local parts = {}
  for i, r in ipairs(list) do
    local sep = ''
    if i > 1 then sep = (i == #list) and ' and ' or ', ' end
    parts[#parts + 1] = sep .. one(r)
  end
  return table.concat(parts)
end

local function ref_html(list, cur)
  return join_refs(list, function(r)
    return '<a href="' .. html_escape(resolve(r.href, cur)) .. '">'
      .. html_escape(r.num) .. '</a>'
  end)
end

-- Linux links (nw2md.awk: data-linux="PATH|NAME|LINE;..." from the
-- "Linux: PATH NAME" markers of the prose): a link to Linux 6.1 on
-- elixir.bootlin.com, at the line where NAME is defined when known.
local elixir = 'https://elixir.bootlin.com/linux/v6.1/'

local function linux_refs(s)
  local l = {}
  for item in (s or ''):gmatch('[^;]+') do
    local path, name, line = item:match('^([^|]*)|([^|]*)|([^|]*)$')
    if path then
      local ident = name:gsub('^%a+ ', '')
      local url
      if tonumber(line) and tonumber(line) > 0 then
        url = elixir .. 'source/' .. path .. '#L' .. line
      else
        url = elixir .. 'A/ident/' .. ident
      end
      local label = name:match(' ') and name or (name .. '()')
      if name:match('^[A-Z_0-9]+$') then label = name end
      l[#l + 1] = { path = path, name = name, label = label, url = url }
    end
  end
  return l
end

local function linux_html(list)
  if #list == 0 then return '' end
  local parts = {}
  for i, r in ipairs(list) do
    parts[#parts + 1] = '<a class="nwlinux" href="' .. html_escape(r.url)
      .. '" title="Linux 6.1: ' .. html_escape(r.path) .. '">'
      .. html_escape(r.label) .. '</a>'
  end
  return ' <span class="nwlinuxrefs">Linux&#8201;6.1: ' .. table.concat(parts, ', ') .. '</span>'
end

-- ------------------------------------------------------------------
-- LaTeX (the PDF book).  Everything the PDF writer needs that the HTML
-- writer does not lives in these functions; the macros are in
-- book/latex/preamble.tex.

-- Text for LaTeX's typewriter font, with a break point (\nwbrk) after
-- / _ . , -> in long words so that paths and identifiers in prose do
-- not run into the margin.
local latex_tt_map = {
  ['\\'] = '\\textbackslash{}', ['{'] = '\\{', ['}'] = '\\}', ['$'] = '\\$',
  ['&'] = '\\&', ['#'] = '\\#', ['%'] = '\\%', ['_'] = '\\_',
  ['^'] = '\\^{}', ['~'] = '\\textasciitilde{}', ['<'] = '\\textless{}',
  ['>'] = '\\textgreater{}', ["'"] = '\\textquotesingle{}',
  ['`'] = '\\textasciigrave{}', ['"'] = '\\textquotedbl{}', ['-'] = '-{}',
  ['|'] = '\\textbar{}',
}
local function latex_tt(s)
  local long = #s > 14
  local out = {}
  local n = #s
  local i = 1
  for ch in s:gmatch(utf8 and utf8.charpattern or '.') do
    out[#out + 1] = latex_tt_map[ch] or ch
    if long and i > 2 and i < n - 1 and (ch == '/' or ch == '_' or ch == '.' or ch == ',') then
      out[#out + 1] = '\\nwbrk{}'
    end
    i = i + #ch
  end
  return table.concat(out)
end

local function latex_label(href, cur)
  local t = resolve(href, cur)
  return (t:gsub('^#', ''))
end

-- "75.1 (p. 410), 75.4 (p. 411) and 76.2 (p. 430)"
local function latex_refs(list, cur)
  return join_refs(list, function(r)
    if r.href:match('^%a+://') then
      -- a chunk outside this book (a course that omits its chapter):
      -- a link to where the whole book is published, no page number
      return '\\href{' .. r.href:gsub('([#%%{}\\])', '\\%1') .. '}{' .. r.num .. '}'
    end
    return '\\nwcref{' .. latex_label(r.href, cur) .. '}{' .. r.num .. '}'
  end)
end

-- Linux 6.1 references of a chunk (data-linux="PATH|NAME|LINE;...", from
-- the "Linux: PATH NAME" markers of the prose): a margin note with links
-- to elixir.bootlin.com, "Linux 6.1: copy_process() in kernel/fork.c".
local function latex_linux_note(s)
  local parts = {}
  for item in (s or ''):gmatch('[^;]+') do
    local path, name, line = item:match('^([^|]*)|([^|]*)|([^|]*)$')
    if path and path ~= '' then
      local ident = name:gsub('^%a+ ', '')
      local url = 'https://elixir.bootlin.com/linux/v6.1/'
      if tonumber(line) and tonumber(line) > 0 then
        url = url .. 'source/' .. path .. '\\#L' .. line
      else
        url = url .. 'A/ident/' .. ident
      end
      local label = name
      if not name:match(' ') and not name:match('^[A-Z_0-9]+$') then label = name .. '()' end
      parts[#parts + 1] = '\\href{' .. url:gsub('([%%{}])', '\\%1') .. '}{\\nwtt{'
        .. latex_tt(label) .. '}} in \\nwtt{' .. latex_tt(path) .. '}'
    end
  end
  if #parts == 0 then return nil end
  return 'Linux~6.1: ' .. table.concat(parts, '; ') .. '.'
end

-- A chunk: number in the left margin, header, notes in the right
-- margin (continued from, continued in, used in, the file a root chunk
-- becomes), the code, then what it defines.
local function render_chunk_latex(div, cur)
  local a = div.attributes
  local label = cur .. ':' .. a['data-id']
  local name = a['data-name'] or '?'
  local num = a['data-num'] or ''
  local k = tonumber(a['data-k'] or '1') or 1
  local prev, nxt = refs(a['data-prev']), refs(a['data-next'])
  local usedin = refs(a['data-usedin'])
  local defs = words(a['data-defs'])
  local notes = {}
  local linux = latex_linux_note(a['data-linux'])
  if linux then notes[#notes + 1] = linux end
  if #prev > 0 then notes[#notes + 1] = 'Continued from ' .. latex_refs(prev, cur) .. '.' end
  if #nxt > 0 then notes[#notes + 1] = 'Continued in ' .. latex_refs(nxt, cur) .. '.' end
  if #usedin > 0 then
    notes[#notes + 1] = 'Used in ' .. latex_refs(usedin, cur) .. '.'
  elseif a['data-root'] == '1' then
    notes[#notes + 1] = 'Root chunk: the file \\nwtt{' .. latex_tt(name) .. '}.'
  end
  local head = {
    pandoc.RawInline('latex', '\\nwbeginchunk{' .. label .. '}{' .. num .. '}{'),
    pandoc.Str(name),
    pandoc.RawInline('latex', '}{' .. (k > 1 and '+' or '') .. '}{'
      .. table.concat(notes, '\\\\') .. '}'),
  }
  local foot = ''
  if #defs > 0 then
    local d = {}
    for _, w in ipairs(defs) do d[#d + 1] = '\\nwdefid{' .. w .. '}' end
    foot = 'Defines ' .. table.concat(d, ', ') .. '.'
  end
  return { pandoc.Plain(head), div.content[1],
    pandoc.RawBlock('latex', '\\nwendchunk{' .. foot .. '}') }
end

-- Inline code in prose: breakable (see latex_tt).  Code in headings is
-- left to Pandoc, which also writes the PDF bookmark's text.
local function latex_code(c)
  return pandoc.RawInline('latex', '\\nwtt{' .. latex_tt(c.text) .. '}')
end

local function latex_inlines_filter()
  return {
    Code = latex_code,
  }
end

local function latex_prose(blocks)
  local inner = latex_inlines_filter()
  local function conv(b) return pandoc.walk_block(b, inner) end
  return pandoc.walk_block(pandoc.Div(blocks), { Para = conv, Plain = conv }).content
end

local function render_chunk(div, cur)
  local a = div.attributes
  local id = a['data-id']
  local name = a['data-name'] or '?'
  local num = a['data-num'] or ''
  local k = tonumber(a['data-k'] or '1') or 1
  local prev, nxt = refs(a['data-prev']), refs(a['data-next'])
  local usedin = refs(a['data-usedin'])
  local defs = words(a['data-defs'])
  local isroot = a['data-root'] == '1'
  local linux = linux_refs(a['data-linux'])
  local code = div.content[1]

  if is_html then
    -- Pandoc names each line of a highlighted block "<block id>-<n>";
    -- derive the block id from the chunk's, so line anchors are stable
    -- too ("--" never occurs in a chunk slug).
    if code and code.t == 'CodeBlock' then code.identifier = id .. '--line' end
    local head = '<div class="nwhead"><a class="nwperma" href="#' .. id
      .. '" title="Link to this chunk">⟨<span class="nwchunkname">'
      .. html_escape(name) .. '</span>⟩&#8201;<span class="nwnum">'
      .. html_escape(num) .. '</span></a> <span class="nwdefsym">'
      .. (k > 1 and '+≡' or '≡') .. '</span>'
    if #prev > 0 then
      head = head .. ' <span class="nwcont">(continued from '
        .. ref_html(prev, cur) .. ')</span>'
    end
    head = head .. linux_html(linux) .. '</div>'
    local foot = {}
    if #nxt > 0 then
      foot[#foot + 1] = 'Continued in ' .. ref_html(nxt, cur) .. '.'
    end
    if #usedin > 0 then
      foot[#foot + 1] = 'Used in ' .. ref_html(usedin, cur) .. '.'
    elseif isroot then
      foot[#foot + 1] = 'Root chunk: tangled to <code>' .. html_escape(name) .. '</code>.'
    end
    if #defs > 0 then
      local d = {}
      for _, w in ipairs(defs) do d[#d + 1] = '<code>' .. html_escape(w) .. '</code>' end
      foot[#foot + 1] = 'Defines ' .. table.concat(d, ', ') .. '.'
    end
    local blocks = { pandoc.RawBlock('html', head), code }
    if #foot > 0 then
      blocks[#blocks + 1] = pandoc.RawBlock('html',
        '<div class="nwfoot">' .. table.concat(foot, ' ') .. '</div>')
    end
    return pandoc.Div(blocks, pandoc.Attr(id, { 'nwchunk' }))
  end

  if is_latex then return render_chunk_latex(div, cur) end

  return div
end

local function process_chapter(div)
  local cur = div.attributes['data-stem']
  local chnum = div.attributes['data-num'] or ''
  local file = div.attributes['data-file'] or (cur .. '.nw')
  local seen = {}
  local first_h1 = true

  local function unique(id)
    if not seen[id] then seen[id] = true; return id end
    local j = 2
    while seen[id .. '-' .. j] do j = j + 1 end
    seen[id .. '-' .. j] = true
    return id .. '-' .. j
  end

  local filter = {
    Header = function(h)
      if h.identifier == '' then
        h.identifier = unique('sec-' .. slug(stringify(h.content)))
      else
        seen[h.identifier] = true
      end
      if is_latex then h.identifier = cur .. ':' .. h.identifier end
      if h.level == 1 and first_h1 then
        first_h1 = false
        if is_html then
          table.insert(h.content, 1, pandoc.Space())
          table.insert(h.content, 1,
            pandoc.Span({ pandoc.Str(chnum) }, pandoc.Attr('', { 'chapnum' })))
        elseif is_latex then
          return { h, pandoc.RawBlock('latex', '\\hypertarget{' .. cur .. '}{}') }
        end
      end
      return h
    end,
    Link = function(l)
      l.target = resolve(l.target, cur)
      return l
    end,
    Div = function(d)
      if d.classes:includes('nwchunk') then return render_chunk(d, cur) end
      if is_latex and d.identifier ~= '' then d.identifier = cur .. ':' .. d.identifier end
      return d
    end,
    Span = function(s)
      if is_latex and s.identifier ~= '' then s.identifier = cur .. ':' .. s.identifier end
      return s
    end,
    -- Figures are figures/NAME.svg in the prose; weave.sh draws each
    -- also as pdf/figures/NAME.pdf, which is what pdflatex can include.
    Image = function(img)
      if is_latex then
        img.src = img.src:gsub('^(figures/[%w_.%-]+)%.svg$', '%1.pdf')
        if img.identifier ~= '' then img.identifier = cur .. ':' .. img.identifier end
      end
      return img
    end,
  }
  -- A chapter must open with a level-1 heading (its title); give one
  -- that has none its file's stem, so the PDF still starts a chapter.
  local content = div.content
  local has_h1 = false
  for _, b in ipairs(content) do
    if b.t == 'Header' and b.level == 1 then has_h1 = true; break end
  end
  if not has_h1 then
    table.insert(content, 1, pandoc.Header(1, { pandoc.Str(cur) }))
  end
  local body = pandoc.walk_block(pandoc.Div(content), filter).content
  if is_latex then
    table.insert(body, 1, pandoc.RawBlock('latex', '% forklore-chapter: ' .. file))
  end
  return body
end

function Pandoc(doc)
  for _, b in ipairs(doc.blocks) do
    if b.t == 'Div' and b.classes:includes('nwchapter') then
      stems[b.attributes['data-stem']] = true
    end
  end
  local out = {}
  for _, b in ipairs(doc.blocks) do
    if b.t == 'Div' and b.classes:includes('nwchapter') then
      append(out, process_chapter(b))
    else
      out[#out + 1] = b
    end
  end
  doc.blocks = out
  if is_latex then doc.blocks = latex_prose(doc.blocks) end
  return doc
end
