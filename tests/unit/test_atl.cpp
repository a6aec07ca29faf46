/*
 * test_atl.cpp: the header-only ATL subset (atlbase.h, atlstr.h) and the
 * source annotations (sal.h): CComPtr and CComQIPtr reference counting and
 * QueryInterface, CoCreateInstance of a class nobody registered
 * (REGDB_E_CLASSNOTREG), CComBSTR, CStringW/CStringA with Microsoft's
 * format semantics and the members VSS programs use, the string conversion
 * classes and macros, and declarations annotated old and new style.
 */
/* First: CUnit brings in <cmath>, which windef.h's min and max macros break. */
#include "harness.h"
#define UNICODE
#define _UNICODE
#include <windows.h>
#include <tchar.h>
#include <vss.h>
#include <vsbackup.h>
#include <atlbase.h>
#include <atlstr.h>
#include <sal.h>

/* annotated declarations, old and new, compile to plain ones */
static HRESULT annotated(__in LPCWSTR in, __out_ecount(size) LPWSTR out, __in DWORD size, _Out_opt_ DWORD *written,
                         _Inout_ DWORD *flags, __out DWORD *plain)
{
    if (!in || !out || !size || !flags || !plain) return E_INVALIDARG;
    wcsncpy(out, in, size - 1);
    out[size - 1] = 0;
    if (written) *written = (DWORD)wcslen(out);
    *plain = ++*flags;
    return S_OK;
}

/* A COM object in C++, to watch its reference count. */
class TestAsync : public IVssAsync
{
public:
    LONG refs;
    TestAsync() : refs(1) {}
    virtual ~TestAsync() {}

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void **out)
    {
        if (!out) return E_POINTER;
        *out = NULL;
        if (IsEqualIID(iid, __uuidof(IUnknown)) || IsEqualIID(iid, __uuidof(IVssAsync)))
        {
            *out = static_cast<IVssAsync *>(this);
            AddRef();
            return S_OK;
        }
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() { return (ULONG)++refs; }
    ULONG STDMETHODCALLTYPE Release() { return (ULONG)--refs; }
    HRESULT STDMETHODCALLTYPE Cancel() { return S_OK; }
    HRESULT STDMETHODCALLTYPE Wait(DWORD ms) { return ms == INFINITE ? S_OK : S_FALSE; }
    HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT *status, INT *reserved)
    {
        (void)reserved;
        *status = VSS_S_ASYNC_FINISHED;
        return S_OK;
    }
};

static void test_ccomptr(void)
{
    TestAsync object;
    {
        CComPtr<IVssAsync> p(&object);
        CU_ASSERT_EQUAL(object.refs, 2);
        {
            CComPtr<IVssAsync> copy = p;
            CU_ASSERT_EQUAL(object.refs, 3);
            CU_ASSERT(copy == p.p);
            CU_ASSERT_EQUAL(copy->Wait(), S_OK);   /* the default argument: INFINITE */
        }
        CU_ASSERT_EQUAL(object.refs, 2);

        IVssAsync *raw = NULL;
        CU_ASSERT_EQUAL(p.CopyTo(&raw), S_OK);
        CU_ASSERT_EQUAL(object.refs, 3);
        raw->Release();
        CU_ASSERT_EQUAL(p.CopyTo(NULL), E_POINTER);

        CComPtr<IUnknown> unknown;
        CU_ASSERT_EQUAL(p.QueryInterface(&unknown), S_OK);
        CU_ASSERT_EQUAL(object.refs, 3);
        CU_ASSERT(p.IsEqualObject(unknown));
        unknown.Release();
        CU_ASSERT(!unknown);
        CU_ASSERT_EQUAL(object.refs, 2);

        IVssAsync *detached = p.Detach();
        CU_ASSERT(!p);
        CU_ASSERT_EQUAL(object.refs, 2);
        p.Attach(detached);
        CU_ASSERT_EQUAL(object.refs, 2);
        p = NULL;
        CU_ASSERT_EQUAL(object.refs, 1);
        p = &object;
        CU_ASSERT_EQUAL(object.refs, 2);
    }
    CU_ASSERT_EQUAL(object.refs, 1);
}

static void test_ccomqiptr(void)
{
    TestAsync object;
    {
        IUnknown *unknown = &object;
        CComQIPtr<IVssAsync> async(unknown);
        CU_ASSERT(async != NULL);
        CU_ASSERT_EQUAL(object.refs, 2);
        CComQIPtr<IVssBackupComponents> backup(unknown);
        CU_ASSERT(!backup);   /* E_NOINTERFACE: empty */
        CComQIPtr<IVssAsync, &IID_IVssAsync> by_iid(unknown);
        CU_ASSERT(by_iid == async.p);
        CU_ASSERT_EQUAL(object.refs, 3);
        CComQIPtr<IUnknown> plain(unknown);
        CU_ASSERT_EQUAL(object.refs, 4);
    }
    CU_ASSERT_EQUAL(object.refs, 1);

    /* CoCreateInstance of a class nobody registered */
    {
        static const CLSID nobody = { 0x12345678, 0x1234, 0x1234, { 1, 2, 3, 4, 5, 6, 7, 8 } };
        CComPtr<IVssBackupComponents> backup;
        CU_ASSERT(SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)));
        CU_ASSERT_EQUAL(backup.CoCreateInstance(nobody), REGDB_E_CLASSNOTREG);
        CU_ASSERT(!backup);
        CoUninitialize();
    }
}

static void test_ccombstr(void)
{
    CComBSTR a(L"abc"), b;
    static const GUID id = { 0x01234567, 0x89ab, 0xcdef, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } };

    CU_ASSERT_EQUAL(a.Length(), 3u);
    CU_ASSERT_EQUAL(SysStringLen(a), 3u);
    CU_ASSERT(!b);
    CU_ASSERT(b == L"");   /* NULL is the empty string */
    b = a;
    CU_ASSERT(b == a);
    CU_ASSERT(b.m_str != a.m_str);
    b += L"def";
    CU_ASSERT(b == L"abcdef");
    CU_ASSERT(b != L"abc");
    CU_ASSERT_EQUAL(b.Append(L'!'), S_OK);
    CU_ASSERT_EQUAL(b.Length(), 7u);
    b.ToUpper();
    CU_ASSERT(b == L"ABCDEF!");
    CU_ASSERT(!(a < b));   /* 'a' sorts after 'A' */
    CU_ASSERT(b < a);

    BSTR copy = NULL;
    CU_ASSERT_EQUAL(a.CopyTo(&copy), S_OK);
    CU_ASSERT(!wcscmp(copy, L"abc"));
    SysFreeString(copy);
    BSTR detached = a.Detach();
    CU_ASSERT(!a);
    a.Attach(detached);
    CU_ASSERT(a == L"abc");
    a.Empty();
    CU_ASSERT(!a);

    CComBSTR narrow("h\xc3\xa9");   /* UTF-8 in */
    CU_ASSERT_EQUAL(narrow.Length(), 2u);
    CU_ASSERT_EQUAL(narrow.m_str[1], 0xE9);
    CComBSTR guid(id);
    CU_ASSERT(guid == L"{01234567-89AB-CDEF-0123-456789ABCDEF}");
    /* & is the BSTR's address, to be filled by an out-parameter */
    CComBSTR filled;
    CU_ASSERT_EQUAL(CreateVssExamineWriterMetadata(NULL, NULL), E_INVALIDARG);
    *&filled = SysAllocString(L"out");
    CU_ASSERT(filled == L"out");
}

static void test_cstring(void)
{
    CStringW s;
    CStringW t(L"  Hello, World  ");

    CU_ASSERT(s.IsEmpty());
    /* Microsoft's format semantics: %s is the string's own width */
    s.Format(L"%s=%d (%S) %I64u", L"x", 42, "narrow", 1ULL << 40);
    CU_ASSERT(s == L"x=42 (narrow) 1099511627776");
    s.AppendFormat(L"%c", L'!');
    CU_ASSERT_EQUAL(s.GetLength(), 28);
    CU_ASSERT_EQUAL(s[s.GetLength() - 1], L'!');

    t.Trim();
    CU_ASSERT(t == L"Hello, World");
    CU_ASSERT_EQUAL(t.Find(L','), 5);
    CU_ASSERT_EQUAL(t.Find(L"World"), 7);
    CU_ASSERT_EQUAL(t.Find(L"none"), -1);
    CU_ASSERT_EQUAL(t.ReverseFind(L'o'), 8);
    CU_ASSERT(t.Left(5) == L"Hello");
    CU_ASSERT(t.Right(5) == L"World");
    CU_ASSERT(t.Mid(7, 3) == L"Wor");
    CU_ASSERT(t.Mid(100) == L"");
    CU_ASSERT(t.CompareNoCase(L"HELLO, WORLD") == 0);
    CU_ASSERT(t.Compare(L"HELLO, WORLD") != 0);
    CU_ASSERT_EQUAL(t.Replace(L"l", L"L"), 3);
    CU_ASSERT(t == L"HeLLo, WorLd");
    CU_ASSERT_EQUAL(t.Remove(L'L'), 3);
    CU_ASSERT(t == L"Heo, Word");
    t.MakeUpper();
    CU_ASSERT(t == L"HEO, WORD");
    t.Insert(0, L">>");
    t.Delete(2, 5);
    CU_ASSERT(t == L">>WORD");

    CStringW path(L"C:\\dir\\sub\\file.txt");
    int pos = 0;
    CStringW parts[4];
    for (int i = 0; i < 4; i++) parts[i] = path.Tokenize(L"\\", pos);
    CU_ASSERT(parts[0] == L"C:" && parts[1] == L"dir" && parts[2] == L"sub" && parts[3] == L"file.txt");
    /* the next call finds nothing and says so */
    CU_ASSERT(path.Tokenize(L"\\", pos).IsEmpty());
    CU_ASSERT_EQUAL(pos, -1);

    /* GetBuffer / ReleaseBuffer, as Win32 calls fill a CString */
    CStringW dir;
    DWORD len = GetCurrentDirectoryW(MAX_PATH, dir.GetBuffer(MAX_PATH));
    dir.ReleaseBuffer();
    CU_ASSERT_EQUAL(dir.GetLength(), (int)len);

    CStringW joined = CStringW(L"a") + L"\\" + L'b';
    CU_ASSERT(joined == L"a\\b");
    CU_ASSERT(L"a\\b" == joined);

    /* widths convert in UTF-8 */
    CStringA narrow(CStringW(L"h\u00e9"));
    CU_ASSERT_EQUAL(narrow.GetLength(), 3);
    CU_ASSERT(narrow == "h\xc3\xa9");
    CStringW back(narrow);
    CU_ASSERT(back == L"h\u00e9");
    narrow.Format("%s-%S", "n", L"w");
    CU_ASSERT(narrow == "n-w");

    BSTR bstr = back.AllocSysString();
    CU_ASSERT_EQUAL(SysStringLen(bstr), 2u);
    SysFreeString(bstr);
    CString generic(_T("t"));
    CU_ASSERT_EQUAL(generic.GetLength(), 1);
    CU_ASSERT(wcscmp(generic.GetString(), L"t") == 0);
}

static void test_conversions(void)
{
    CW2A a(L"h\u00e9llo");
    CA2W w("h\xc3\xa9llo");

    CU_ASSERT(!strcmp(a, "h\xc3\xa9llo"));
    CU_ASSERT(!wcscmp(w, L"h\u00e9llo"));
    {
        USES_CONVERSION;
        const char *narrow = W2A(L"abc");
        const WCHAR *wide = A2W("xyz");
        CU_ASSERT(!strcmp(narrow, "abc"));
        CU_ASSERT(!wcscmp(wide, L"xyz"));
        CU_ASSERT(!wcscmp(T2W(_T("t")), L"t"));
    }
}

static void test_sal(void)
{
    WCHAR out[8];
    DWORD written = 0, flags = 1, plain = 0;

    CU_ASSERT_EQUAL(annotated(L"annotations", out, 8, &written, &flags, &plain), S_OK);
    CU_ASSERT(!wcscmp(out, L"annotat"));
    CU_ASSERT_EQUAL(written, 7u);
    CU_ASSERT_EQUAL(plain, 2u);
}

static CU_TestInfo atl_tests[] =
{
    { "CComPtr", test_ccomptr },
    { "CComQIPtr and CoCreateInstance", test_ccomqiptr },
    { "CComBSTR", test_ccombstr },
    { "CString", test_cstring },
    { "conversions", test_conversions },
    { "SAL annotations", test_sal },
    CU_TEST_INFO_NULL
};

UMBRA_SUITE(atl, NULL, NULL, atl_tests);
