-- End-to-end test of `atlas lsp` in a real editor: Neovim, headless, no plugins.
-- Run by tests/editor/run.sh, which sets ATLAS_BIN (the binary) and ATLAS_SITE (a copy of
-- the atlas). Opens a Chinese page, types a broken link and reads the diagnostic, asks for
-- completion after `@/regions/` and after `[@`, hovers a link and jumps to its definition.
-- Prints a transcript; exits non-zero on any failure.

local bin = assert(os.getenv("ATLAS_BIN"), "ATLAS_BIN not set")
local root = assert(os.getenv("ATLAS_SITE"), "ATLAS_SITE not set")

local function say(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local function check(ok, what)
  if not ok then
    error(what, 0)
  end
  say("ok   " .. what)
end

-- LSP position (UTF-16) of the end of line `row` (0-based) of the current buffer.
local function end_of(row)
  local line = vim.api.nvim_buf_get_lines(0, row, row + 1, true)[1]
  return { line = row, character = vim.str_utfindex(line) }
end

-- LSP position of the first `needle` in the buffer, plus `plus` bytes.
local function find(needle, plus)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, true)) do
    local s = line:find(needle, 1, true)
    if s then
      return { line = i - 1, character = vim.str_utfindex(line, s - 1 + plus) }
    end
  end
  error("not found: " .. needle, 0)
end

local function request(method, pos)
  local params = { textDocument = vim.lsp.util.make_text_document_params(), position = pos }
  local res = vim.lsp.buf_request_sync(0, method, params, 20000)
  for _, r in pairs(res or {}) do
    if r.error then
      error(method .. ": " .. vim.inspect(r.error), 0)
    end
    return r.result
  end
  error(method .. ": no answer", 0)
end

local function labels(result)
  local items = result.items or result
  local out = {}
  for _, it in ipairs(items) do
    table.insert(out, it.label)
  end
  return out
end

local function run()
  local id = vim.lsp.start_client({ name = "atlas", cmd = { bin, "lsp", "--root", root }, root_dir = root })
  check(id ~= nil, "started `atlas lsp`")
  vim.cmd("edit " .. root .. "/content/regions/beijing.zh.md")
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  check(vim.wait(20000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.initialized
  end, 50), "initialized, attached to content/regions/beijing.zh.md")

  -- Type a broken link after Chinese text, as keystrokes.
  vim.cmd("normal! Go北京见[坏链接](@/regions/nowhere.md)。")
  check(vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50), "typed `北京见[坏链接](@/regions/nowhere.md)。` on a new last line")
  local d = vim.diagnostic.get(buf)[1]
  local last = vim.api.nvim_buf_line_count(buf) - 1
  say("     diagnostic: line " .. (d.lnum + 1) .. ", byte columns " .. d.col .. "-" .. d.end_col .. ": "
    .. d.message:gsub("\n", " | "))
  check(d.lnum == last and d.col == #"北京见" and d.end_col == #"北京见[坏链接](@/regions/nowhere.md)",
    "the diagnostic covers the link exactly")
  check(d.message:find("broken link @/regions/nowhere.md", 1, true) == 1, "the message is atlas check's")

  -- Fix it: the diagnostic goes away.
  vim.cmd("normal! dd")
  check(vim.wait(20000, function()
    return #vim.diagnostic.get(buf) == 0
  end, 50), "deleted the line: diagnostics cleared")

  -- Completion after `@/regions/` and after `[@`.
  vim.cmd("normal! Go见[上海](@/regions/sh")
  local got = labels(request("textDocument/completion", end_of(vim.api.nvim_buf_line_count(buf) - 1)))
  say("     completion after `@/regions/sh`: " .. table.concat(got, ", "))
  check(table.concat(got, ",") == "shanghai.md,shenzhen.md", "completion of link targets")
  vim.cmd("normal! ddGo引用[@hainan-m")
  local res = request("textDocument/completion", end_of(vim.api.nvim_buf_line_count(buf) - 1))
  got = labels(res)
  say("     completion after `[@hainan-m`: " .. table.concat(got, ", ") .. " (" .. (res[1] or {}).detail .. ")")
  check(table.concat(got, ",") == "hainan-med-2024", "completion of source ids")
  vim.cmd("normal! dd")

  -- Hover and definition on a link.
  local pos = find("@/regions/shanghai.md", 12)
  local h = request("textDocument/hover", pos)
  local first = vim.split(h.contents.value, "\n")[1]
  say("     hover on @/regions/shanghai.md: " .. first)
  check(first == "**上海**", "hover shows the target's title in the page's language")
  local loc = request("textDocument/definition", pos)
  vim.lsp.util.jump_to_location(loc[1] or loc, "utf-16")
  local name = vim.api.nvim_buf_get_name(0)
  say("     jumped to " .. name:sub(#root + 2))
  check(name == root .. "/content/regions/shanghai.zh.md", "go to definition opens the target file")

  vim.lsp.stop_client(id)
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local ok, err = pcall(run)
    if ok then
      say("PASS")
      vim.cmd("qall!")
    else
      say("FAIL " .. tostring(err))
      vim.cmd("cquit 1")
    end
  end,
})
