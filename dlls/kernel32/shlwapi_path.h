/*
 * shlwapi_path.h: the body of the shlwapi path functions, written once for
 * both character widths: shlwapi.c includes it with CHR = WCHAR and the W
 * names, then with CHR = char and the A names.  Only ASCII characters are
 * looked at, so UTF-8 strings work byte by byte.  Not a public header.
 */

static int FN(is_sep)(CHR c)
{
    return c == '\\' || c == '/';
}

static size_t FN(len)(const CHR *s)
{
    size_t n = 0;

    while (s[n]) n++;
    return n;
}

/* The separator a path speaks: '/' for a POSIX path, '\' for the rest. */
static CHR FN(sep_of)(const CHR *path)
{
    const CHR *p;

    for (p = path; *p; p++) if (*p == '\\') return '\\';
    return path[0] == '/' ? '/' : '\\';
}

/* The length of the root that ".." never climbs above: "X:\", "\\server\share\", "/", "\". */
static size_t FN(root_len)(const CHR *path)
{
    size_t n = 0;

    if (path[0] && path[1] == ':') n = FN(is_sep)(path[2]) ? 3 : 2;
    else if (FN(is_sep)(path[0]) && FN(is_sep)(path[1]))
    {
        int parts = 0;
        n = 2;
        while (path[n] && parts < 2)
        {
            if (FN(is_sep)(path[n])) parts++;
            n++;
        }
    }
    else if (FN(is_sep)(path[0])) n = 1;
    return n;
}

BOOL WINAPI NAME(PathIsRelative)(const CHR *path)
{
    if (!path || !*path) return TRUE;
    return !FN(is_sep)(path[0]) && !(path[1] == ':');
}

BOOL WINAPI NAME(PathCanonicalize)(CHR *dest, const CHR *path)
{
    CHR buf[MAX_PATH];
    size_t root, len, i = 0;
    CHR sep;

    if (!dest || !path)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    len = FN(len)(path);
    if (len >= MAX_PATH)
    {
        dest[0] = 0;
        return FALSE;
    }
    sep = FN(sep_of)(path);
    root = FN(root_len)(path);
    memcpy(buf, path, root * sizeof(CHR));
    len = root;
    i = root;
    while (path[i])
    {
        size_t start = i, n;

        while (path[i] && !FN(is_sep)(path[i])) i++;
        n = i - start;
        if (path[i]) i++;
        if (!n || (n == 1 && path[start] == '.')) continue;
        if (n == 2 && path[start] == '.' && path[start + 1] == '.')
        {
            while (len > root && !FN(is_sep)(buf[len - 1])) len--;
            if (len > root) len--;
            continue;
        }
        if (len > root && !FN(is_sep)(buf[len - 1])) buf[len++] = sep;
        memcpy(buf + len, path + start, n * sizeof(CHR));
        len += n;
    }
    /* a trailing separator stays (it says "directory") */
    if (len > root && i && FN(is_sep)(path[i - 1]) && len + 1 < MAX_PATH) buf[len++] = sep;
    if (!len && *path) buf[len++] = sep;
    buf[len] = 0;
    memcpy(dest, buf, (len + 1) * sizeof(CHR));
    return TRUE;
}

CHR *WINAPI NAME(PathAddBackslash)(CHR *path)
{
    size_t len;

    if (!path) return NULL;
    len = FN(len)(path);
    if (len && !FN(is_sep)(path[len - 1]))
    {
        if (len + 1 >= MAX_PATH) return NULL;
        path[len++] = FN(sep_of)(path);
        path[len] = 0;
    }
    return path + len;
}

CHR *WINAPI NAME(PathRemoveBackslash)(CHR *path)
{
    size_t len;

    if (!path) return NULL;
    len = FN(len)(path);
    /* a root keeps its separator */
    if (len && FN(is_sep)(path[len - 1]) && len > FN(root_len)(path)) path[--len] = 0;
    return path + (len ? len - 1 : 0);
}

BOOL WINAPI NAME(PathAppend)(CHR *path, const CHR *more)
{
    CHR buf[MAX_PATH];
    size_t len, n;

    if (!path || !more) return FALSE;
    while (FN(is_sep)(*more)) more++;
    len = FN(len)(path);
    n = FN(len)(more);
    if (len + n + 2 > MAX_PATH) return FALSE;
    memcpy(buf, path, len * sizeof(CHR));
    if (len && !FN(is_sep)(buf[len - 1]) && n) buf[len++] = FN(sep_of)(path);
    memcpy(buf + len, more, (n + 1) * sizeof(CHR));
    return NAME(PathCanonicalize)(path, buf);
}

CHR *WINAPI NAME(PathCombine)(CHR *dest, const CHR *dir, const CHR *file)
{
    CHR buf[MAX_PATH];
    size_t len;

    if (!dest || (!dir && !file)) return NULL;
    if (!file || !*file || !NAME(PathIsRelative)(file) || !dir)
    {
        const CHR *src = (file && *file && (!NAME(PathIsRelative)(file) || !dir)) ? file : dir;
        if (FN(len)(src) >= MAX_PATH || !NAME(PathCanonicalize)(dest, src))
        {
            dest[0] = 0;
            return NULL;
        }
        return dest;
    }
    len = FN(len)(dir);
    if (len >= MAX_PATH)
    {
        dest[0] = 0;
        return NULL;
    }
    memcpy(buf, dir, (len + 1) * sizeof(CHR));
    if (!NAME(PathAppend)(buf, file))
    {
        dest[0] = 0;
        return NULL;
    }
    memcpy(dest, buf, (FN(len)(buf) + 1) * sizeof(CHR));
    return dest;
}

CHR *WINAPI NAME(PathFindFileName)(const CHR *path)
{
    const CHR *last = path, *p;

    if (!path) return NULL;
    for (p = path; *p; p++)
        if ((FN(is_sep)(*p) || *p == ':') && p[1] && !FN(is_sep)(p[1])) last = p + 1;
    return (CHR *)last;
}

CHR *WINAPI NAME(PathFindExtension)(const CHR *path)
{
    const CHR *dot = NULL, *p;

    if (!path) return NULL;
    for (p = path; *p; p++)
    {
        if (FN(is_sep)(*p) || *p == ' ') dot = NULL;
        else if (*p == '.') dot = p;
    }
    return (CHR *)(dot ? dot : p);
}

void WINAPI NAME(PathStripPath)(CHR *path)
{
    CHR *name;

    if (!path) return;
    name = NAME(PathFindFileName)(path);
    if (name != path) memmove(path, name, (FN(len)(name) + 1) * sizeof(CHR));
}

BOOL WINAPI NAME(PathRemoveFileSpec)(CHR *path)
{
    size_t len, root, cut;

    if (!path || !*path) return FALSE;
    len = FN(len)(path);
    root = FN(root_len)(path);
    if (len <= root) return FALSE;
    cut = len;
    while (cut > root && !FN(is_sep)(path[cut - 1])) cut--;
    /* "dir\file" -> "dir"; "\file" and "C:\file" keep the root */
    if (cut > root) cut--;
    if (cut == len) return FALSE;
    path[cut] = 0;
    return TRUE;
}
