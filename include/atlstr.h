/*
 * atlstr.h: ATL's CStringT, as CStringW, CStringA and CString (CStringW under
 * UNICODE), header-only, with the members VSS programs use: construction and
 * conversion between the widths, GetBuffer/ReleaseBuffer, Format and
 * AppendFormat with Microsoft's format semantics (%s is the string's own
 * width), Find, Left/Mid/Right, Trim, Replace, Tokenize, comparisons,
 * AllocSysString.
 *
 * Written against the Windows API and the Microsoft C runtime names only, so
 * it compiles with MinGW-w64's headers as well as ours.
 *
 * One difference from Visual C++: a CString cannot be passed to printf-style
 * functions as it stands (wprintf(L"%s", str)).  g++ passes class objects
 * through "..." by reference, so the callee would not see the characters.
 * Write str.GetString() or (LPCWSTR)str; umbra-winegcc makes the mistake a
 * compile error (-Werror=conditionally-supported).
 */
#ifndef UMBRA_ATLSTR_H
#define UMBRA_ATLSTR_H

/* A library header: the user's warnings are for the user's code (GCC's flow
 * analysis sees impossible buffer sizes in the inlined string members). */
#pragma GCC system_header

#include <atlbase.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include <ctype.h>

namespace ATL
{

/* What differs between the widths. */
template <typename C> struct UmbraStrTraits;

template <> struct UmbraStrTraits<wchar_t>
{
    typedef char Other;
    static int Length(const wchar_t *s) { return s ? (int)wcslen(s) : 0; }
    static int Compare(const wchar_t *a, const wchar_t *b) { return wcscmp(a, b); }
    static int CompareNoCase(const wchar_t *a, const wchar_t *b) { return _wcsicmp(a, b); }
    static wchar_t Upper(wchar_t c) { return (wchar_t)towupper((wint_t)c); }
    static wchar_t Lower(wchar_t c) { return (wchar_t)towlower((wint_t)c); }
    static bool Space(wchar_t c) { return iswspace((wint_t)c) != 0; }
    static const wchar_t *Find(const wchar_t *s, const wchar_t *sub) { return wcsstr(s, sub); }
    static const wchar_t *Spaces() { return L" \t\r\n\v\f"; }
    static int FormatLength(const wchar_t *fmt, va_list args) { return _vscwprintf(fmt, args); }
    static void Format(wchar_t *buf, int size, const wchar_t *fmt, va_list args) { _vsnwprintf(buf, size, fmt, args); }
    /* the other width converted in; the length in our characters, or -1 */
    static int Convert(const char *in, int len, wchar_t *out, int size)
    {
        int n = ::MultiByteToWideChar(CP_ACP, 0, in, len, out, size);
        return n > 0 ? n : (len ? -1 : 0);
    }
};

template <> struct UmbraStrTraits<char>
{
    typedef wchar_t Other;
    static int Length(const char *s) { return s ? (int)strlen(s) : 0; }
    static int Compare(const char *a, const char *b) { return strcmp(a, b); }
    static int CompareNoCase(const char *a, const char *b) { return _stricmp(a, b); }
    static char Upper(char c) { return (char)toupper((unsigned char)c); }
    static char Lower(char c) { return (char)tolower((unsigned char)c); }
    static bool Space(char c) { return isspace((unsigned char)c) != 0; }
    static const char *Find(const char *s, const char *sub) { return strstr(s, sub); }
    static const char *Spaces() { return " \t\r\n\v\f"; }
    static int FormatLength(const char *fmt, va_list args) { return _vscprintf(fmt, args); }
    static void Format(char *buf, int size, const char *fmt, va_list args) { _vsnprintf(buf, size, fmt, args); }
    static int Convert(const wchar_t *in, int len, char *out, int size)
    {
        int n = ::WideCharToMultiByte(CP_ACP, 0, in, len, out, size, NULL, NULL);
        return n > 0 ? n : (len ? -1 : 0);
    }
};

template <typename BaseType> class CStringT
{
    typedef UmbraStrTraits<BaseType> Traits;
    typedef typename Traits::Other OtherType;

public:
    typedef BaseType XCHAR;
    typedef BaseType *PXSTR;
    typedef const BaseType *PCXSTR;
    typedef OtherType YCHAR;
    typedef const OtherType *PCYSTR;

    CStringT() : m_data(NULL), m_len(0), m_cap(0) { Reserve(0); }
    CStringT(PCXSTR text) : m_data(NULL), m_len(0), m_cap(0) { Assign(text, Traits::Length(text)); }
    CStringT(PCXSTR text, int len) : m_data(NULL), m_len(0), m_cap(0) { Assign(text, len); }
    CStringT(const CStringT &other) : m_data(NULL), m_len(0), m_cap(0) { Assign(other.m_data, other.m_len); }
    CStringT(CStringT &&other) throw() : m_data(other.m_data), m_len(other.m_len), m_cap(other.m_cap)
    {
        other.m_data = NULL;
        other.m_len = other.m_cap = 0;
    }
    explicit CStringT(BaseType c, int repeat = 1) : m_data(NULL), m_len(0), m_cap(0)
    {
        Reserve(repeat > 0 ? repeat : 0);
        for (int i = 0; i < repeat; i++) m_data[i] = c;
        SetLength(repeat > 0 ? repeat : 0);
    }
    CStringT(PCYSTR text) : m_data(NULL), m_len(0), m_cap(0) { AssignOther(text, OtherLength(text)); }
    CStringT(PCYSTR text, int len) : m_data(NULL), m_len(0), m_cap(0) { AssignOther(text, len); }

    ~CStringT() { free(m_data); }

    CStringT &operator=(const CStringT &other)
    {
        if (this != &other) Assign(other.m_data, other.m_len);
        return *this;
    }
    CStringT &operator=(CStringT &&other) throw()
    {
        if (this != &other)
        {
            free(m_data);
            m_data = other.m_data;
            m_len = other.m_len;
            m_cap = other.m_cap;
            other.m_data = NULL;
            other.m_len = other.m_cap = 0;
        }
        return *this;
    }
    CStringT &operator=(PCXSTR text)
    {
        Assign(text, Traits::Length(text));
        return *this;
    }
    CStringT &operator=(PCYSTR text)
    {
        AssignOther(text, OtherLength(text));
        return *this;
    }
    CStringT &operator=(BaseType c)
    {
        Assign(&c, 1);
        return *this;
    }

    /* --- access --- */
    operator PCXSTR() const throw() { return Data(); }
    PCXSTR GetString() const throw() { return Data(); }
    int GetLength() const throw() { return m_len; }
    bool IsEmpty() const throw() { return m_len == 0; }
    void Empty() { SetLength(0); }
    BaseType GetAt(int i) const { return Data()[i]; }
    void SetAt(int i, BaseType c)
    {
        if (i >= 0 && i < m_len) m_data[i] = c;
    }
    BaseType operator[](int i) const { return Data()[i]; }

    PXSTR GetBuffer()
    {
        Reserve(m_len);
        return m_data;
    }
    PXSTR GetBuffer(int min_length)
    {
        Reserve(min_length > m_len ? min_length : m_len);
        return m_data;
    }
    PXSTR GetBufferSetLength(int length)
    {
        Reserve(length);
        SetLength(length);
        return m_data;
    }
    void ReleaseBuffer(int new_length = -1)
    {
        if (!m_data) return;
        if (new_length < 0)
        {
            m_data[m_cap] = 0;
            new_length = Traits::Length(m_data);
        }
        SetLength(new_length <= m_cap ? new_length : m_cap);
    }
    void ReleaseBufferSetLength(int new_length) { ReleaseBuffer(new_length); }
    void Preallocate(int length) { Reserve(length); }
    void Truncate(int length)
    {
        if (length >= 0 && length < m_len) SetLength(length);
    }

    /* --- building --- */
    void Append(PCXSTR text, int len)
    {
        int old = m_len;

        if (!text || len <= 0) return;
        if (text >= m_data && text < m_data + m_len + 1)
        {
            /* appending part of ourselves: copy it first */
            CStringT copy(text, len);
            Append(copy.m_data, copy.m_len);
            return;
        }
        Reserve(old + len);
        memcpy(m_data + old, text, len * sizeof(BaseType));
        SetLength(old + len);
    }
    void Append(PCXSTR text) { Append(text, Traits::Length(text)); }
    void Append(const CStringT &other) { Append(other.Data(), other.m_len); }
    void AppendChar(BaseType c) { Append(&c, 1); }

    CStringT &operator+=(const CStringT &other)
    {
        Append(other);
        return *this;
    }
    CStringT &operator+=(PCXSTR text)
    {
        Append(text);
        return *this;
    }
    CStringT &operator+=(PCYSTR text)
    {
        Append(CStringT(text));
        return *this;
    }
    CStringT &operator+=(BaseType c)
    {
        AppendChar(c);
        return *this;
    }

    friend CStringT operator+(const CStringT &a, const CStringT &b)
    {
        CStringT s(a);
        s.Append(b);
        return s;
    }
    friend CStringT operator+(const CStringT &a, PCXSTR b)
    {
        CStringT s(a);
        s.Append(b);
        return s;
    }
    friend CStringT operator+(PCXSTR a, const CStringT &b)
    {
        CStringT s(a);
        s.Append(b);
        return s;
    }
    friend CStringT operator+(const CStringT &a, BaseType b)
    {
        CStringT s(a);
        s.AppendChar(b);
        return s;
    }
    friend CStringT operator+(BaseType a, const CStringT &b)
    {
        CStringT s(a);
        s.Append(b);
        return s;
    }

    void Format(PCXSTR format, ...)
    {
        va_list args;
        va_start(args, format);
        FormatV(format, args);
        va_end(args);
    }
    void FormatV(PCXSTR format, va_list args)
    {
        Empty();
        AppendFormatV(format, args);
    }
    void AppendFormat(PCXSTR format, ...)
    {
        va_list args;
        va_start(args, format);
        AppendFormatV(format, args);
        va_end(args);
    }
    void AppendFormatV(PCXSTR format, va_list args)
    {
        va_list copy;
        int len;

        if (!format) return;
        va_copy(copy, args);
        len = Traits::FormatLength(format, copy);
        va_end(copy);
        if (len <= 0) return;
        Reserve(m_len + len);
        Traits::Format(m_data + m_len, len + 1, format, args);
        SetLength(m_len + len);
    }

    /* --- comparing and searching --- */
    int Compare(PCXSTR other) const { return Traits::Compare(Data(), other ? other : EmptyText()); }
    int CompareNoCase(PCXSTR other) const { return Traits::CompareNoCase(Data(), other ? other : EmptyText()); }

    friend bool operator==(const CStringT &a, const CStringT &b) { return a.Compare(b.Data()) == 0; }
    friend bool operator==(const CStringT &a, PCXSTR b) { return a.Compare(b) == 0; }
    friend bool operator==(PCXSTR a, const CStringT &b) { return b.Compare(a) == 0; }
    friend bool operator!=(const CStringT &a, const CStringT &b) { return a.Compare(b.Data()) != 0; }
    friend bool operator!=(const CStringT &a, PCXSTR b) { return a.Compare(b) != 0; }
    friend bool operator!=(PCXSTR a, const CStringT &b) { return b.Compare(a) != 0; }
    friend bool operator<(const CStringT &a, const CStringT &b) { return a.Compare(b.Data()) < 0; }
    friend bool operator<(const CStringT &a, PCXSTR b) { return a.Compare(b) < 0; }
    friend bool operator>(const CStringT &a, const CStringT &b) { return a.Compare(b.Data()) > 0; }
    friend bool operator>(const CStringT &a, PCXSTR b) { return a.Compare(b) > 0; }

    int Find(BaseType c, int start = 0) const
    {
        for (int i = start < 0 ? 0 : start; i < m_len; i++)
            if (m_data[i] == c) return i;
        return -1;
    }
    int Find(PCXSTR sub, int start = 0) const
    {
        const BaseType *found;

        if (!sub || start < 0 || start > m_len) return -1;
        found = Traits::Find(Data() + start, sub);
        return found ? (int)(found - Data()) : -1;
    }
    int ReverseFind(BaseType c) const
    {
        for (int i = m_len - 1; i >= 0; i--)
            if (m_data[i] == c) return i;
        return -1;
    }
    int FindOneOf(PCXSTR chars) const
    {
        for (int i = 0; i < m_len; i++)
            if (Contains(chars, m_data[i])) return i;
        return -1;
    }

    /* --- pieces --- */
    CStringT Left(int count) const
    {
        if (count < 0) count = 0;
        return CStringT(Data(), count < m_len ? count : m_len);
    }
    CStringT Right(int count) const
    {
        if (count < 0) count = 0;
        if (count > m_len) count = m_len;
        return CStringT(Data() + m_len - count, count);
    }
    CStringT Mid(int first) const { return Mid(first, m_len); }
    CStringT Mid(int first, int count) const
    {
        if (first < 0) first = 0;
        if (first > m_len) first = m_len;
        if (count < 0) count = 0;
        if (count > m_len - first) count = m_len - first;
        return CStringT(Data() + first, count);
    }
    CStringT SpanIncluding(PCXSTR chars) const
    {
        int i = 0;
        while (i < m_len && Contains(chars, m_data[i])) i++;
        return Left(i);
    }
    CStringT SpanExcluding(PCXSTR chars) const
    {
        int i = 0;
        while (i < m_len && !Contains(chars, m_data[i])) i++;
        return Left(i);
    }
    CStringT Tokenize(PCXSTR tokens, int &start) const
    {
        int end;

        if (start < 0 || start >= m_len || !tokens)
        {
            start = -1;
            return CStringT();
        }
        while (start < m_len && Contains(tokens, m_data[start])) start++;
        if (start >= m_len)
        {
            start = -1;
            return CStringT();
        }
        end = start;
        while (end < m_len && !Contains(tokens, m_data[end])) end++;
        CStringT token(Data() + start, end - start);
        start = end < m_len ? end + 1 : end;
        return token;
    }

    /* --- changing in place --- */
    CStringT &MakeUpper()
    {
        for (int i = 0; i < m_len; i++) m_data[i] = Traits::Upper(m_data[i]);
        return *this;
    }
    CStringT &MakeLower()
    {
        for (int i = 0; i < m_len; i++) m_data[i] = Traits::Lower(m_data[i]);
        return *this;
    }
    CStringT &MakeReverse()
    {
        for (int i = 0, j = m_len - 1; i < j; i++, j--)
        {
            BaseType c = m_data[i];
            m_data[i] = m_data[j];
            m_data[j] = c;
        }
        return *this;
    }
    CStringT &TrimRight(PCXSTR chars)
    {
        int len = m_len;
        while (len && Contains(chars, m_data[len - 1])) len--;
        SetLength(len);
        return *this;
    }
    CStringT &TrimLeft(PCXSTR chars)
    {
        int i = 0;
        while (i < m_len && Contains(chars, m_data[i])) i++;
        if (i)
        {
            memmove(m_data, m_data + i, (m_len - i) * sizeof(BaseType));
            SetLength(m_len - i);
        }
        return *this;
    }
    CStringT &Trim(PCXSTR chars) { return TrimRight(chars).TrimLeft(chars); }
    CStringT &TrimRight(BaseType c)
    {
        BaseType set[2] = { c, 0 };
        return TrimRight(set);
    }
    CStringT &TrimLeft(BaseType c)
    {
        BaseType set[2] = { c, 0 };
        return TrimLeft(set);
    }
    CStringT &Trim(BaseType c)
    {
        BaseType set[2] = { c, 0 };
        return Trim(set);
    }
    CStringT &TrimRight() { return TrimRight(Traits::Spaces()); }
    CStringT &TrimLeft() { return TrimLeft(Traits::Spaces()); }
    CStringT &Trim() { return Trim(Traits::Spaces()); }

    int Replace(BaseType old_char, BaseType new_char)
    {
        int count = 0;
        for (int i = 0; i < m_len; i++)
            if (m_data[i] == old_char)
            {
                m_data[i] = new_char;
                count++;
            }
        return count;
    }
    int Replace(PCXSTR old_text, PCXSTR new_text)
    {
        int old_len = Traits::Length(old_text), count = 0, pos = 0, found;
        CStringT result;

        if (!old_len) return 0;
        if (!new_text) new_text = EmptyText();
        while ((found = Find(old_text, pos)) >= 0)
        {
            result.Append(Data() + pos, found - pos);
            result.Append(new_text);
            pos = found + old_len;
            count++;
        }
        if (count)
        {
            result.Append(Data() + pos, m_len - pos);
            *this = static_cast<CStringT &&>(result);
        }
        return count;
    }
    int Remove(BaseType c)
    {
        int j = 0, removed;
        for (int i = 0; i < m_len; i++)
            if (m_data[i] != c) m_data[j++] = m_data[i];
        removed = m_len - j;
        SetLength(j);
        return removed;
    }
    int Insert(int index, PCXSTR text)
    {
        int len = Traits::Length(text);
        if (index < 0) index = 0;
        if (index > m_len) index = m_len;
        CStringT tail(Data() + index, m_len - index);
        SetLength(index);
        Append(text, len);
        Append(tail);
        return m_len;
    }
    int Insert(int index, BaseType c)
    {
        BaseType text[2] = { c, 0 };
        return Insert(index, text);
    }
    int Delete(int index, int count = 1)
    {
        if (index < 0) index = 0;
        if (count > 0 && index < m_len)
        {
            if (count > m_len - index) count = m_len - index;
            memmove(m_data + index, m_data + index + count, (m_len - index - count) * sizeof(BaseType));
            SetLength(m_len - count);
        }
        return m_len;
    }

    /* --- BSTR --- */
    BSTR AllocSysString() const
    {
        CStringT<wchar_t> wide(Data());
        return ::SysAllocStringLen(wide.GetString(), (UINT)wide.GetLength());
    }
    BSTR SetSysString(BSTR *bstr) const
    {
        if (!bstr) return NULL;
        ::SysFreeString(*bstr);
        *bstr = AllocSysString();
        return *bstr;
    }

private:
    template <typename> friend class CStringT;

    BaseType *m_data;    /* NUL-terminated, m_cap + 1 characters allocated */
    int m_len, m_cap;

    static const BaseType *EmptyText()
    {
        static const BaseType empty[1] = { 0 };
        return empty;
    }
    const BaseType *Data() const { return m_data ? m_data : EmptyText(); }

    static bool Contains(PCXSTR chars, BaseType c)
    {
        for (; chars && *chars; chars++)
            if (*chars == c) return true;
        return false;
    }

    static int OtherLength(PCYSTR text) { return UmbraStrTraits<OtherType>::Length(text); }

    void Reserve(int length)
    {
        BaseType *grown;
        int cap;

        if (length < 0) length = 0;
        if (m_data && length <= m_cap) return;
        cap = length < 16 ? 16 : length + length / 2;
        if (!(grown = (BaseType *)realloc(m_data, ((size_t)cap + 1) * sizeof(BaseType)))) throw std::bad_alloc();
        if (!m_data) grown[0] = 0;
        m_data = grown;
        m_cap = cap;
    }
    void SetLength(int length)
    {
        Reserve(length);
        m_len = length;
        m_data[length] = 0;
    }
    void Assign(PCXSTR text, int len)
    {
        if (!text || len < 0) len = 0;
        if (text && m_data && text >= m_data && text <= m_data + m_len)
        {
            CStringT copy(text, len);
            *this = static_cast<CStringT &&>(copy);
            return;
        }
        Reserve(len);
        for (int i = 0; i < len; i++) m_data[i] = text[i];
        SetLength(len);
    }
    void AssignOther(PCYSTR text, int len)
    {
        int n;

        if (!text || len <= 0)
        {
            Assign(NULL, 0);
            return;
        }
        n = Traits::Convert(text, len, NULL, 0);
        Reserve(n > 0 ? n : 0);
        if (n > 0) Traits::Convert(text, len, m_data, n);
        SetLength(n > 0 ? n : 0);
    }
};

typedef CStringT<wchar_t> CStringW;
typedef CStringT<char> CStringA;
#ifdef UNICODE
typedef CStringW CString;
#else
typedef CStringA CString;
#endif

} /* namespace ATL */

#endif
