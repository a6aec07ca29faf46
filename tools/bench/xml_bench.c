/*
 * xml_bench.c: the XML document benchmarks of issue 3, each against a floor
 * measured in the same run on the same machine (`make bench`; no timing
 * assertions live in the tests).
 *
 *   wm3_load_walk        CreateVssExamineWriterMetadata on the System Writer's
 *                        2 MB WMD and every file descriptor walked through
 *                        IVssWMComponent/IVssWMFiledesc, against libxml2
 *                        parsing the same bytes into a tree      (ratio <= 1.5)
 *   bcd_10k_save_reload  a BCD of 10,000 components saved as a BSTR and loaded
 *                        back (SaveAsXML + InitializeForRestore), against
 *                        libxml2 serialising and parsing a tree of the same
 *                        elements and attributes                 (ratio <= 2)
 *   wm3_peak_memory      the most heap in use while loading WM3.xml, over the
 *                        file's size                              (<= 4)
 *
 * Times are medians of RUNS runs after a warm-up.  Heap use is counted by
 * wrapping malloc and friends in this program (glibc's __libc_* entry points),
 * which sees libxml2's allocations too.
 *
 * usage: xml_bench <samples-dir>     (prints one table row per measurement;
 *                                     exit status 1 if a target is missed)
 */
#define COBJMACROS
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <windows.h>
#include <oleauto.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include "dlls/vssapi/bcd.h"
#include "dlls/vssapi/wstr.h"
#include "bench_table.h"

#define RUNS 15

/* --- heap accounting ----------------------------------------------------------- */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static size_t heap_now, heap_peak;

static void account(size_t add, size_t sub)
{
    heap_now += add;
    heap_now -= sub;
    if (heap_now > heap_peak) heap_peak = heap_now;
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    if (p) account(malloc_usable_size(p), 0);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    if (p) account(malloc_usable_size(p), 0);
    return p;
}

void *realloc(void *old, size_t size)
{
    size_t before = old ? malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, size);

    if (p) account(malloc_usable_size(p), before);
    else if (!size) account(0, before);
    return p;
}

void free(void *p)
{
    if (p) account(0, malloc_usable_size(p));
    __libc_free(p);
}

/* --- timing --------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* a row of the table tools/bench/run prints (bench_table.h) */
static void row(const char *name, double ours, double floor, const char *unit, double target)
{
    static const struct { const char *name, *what, *floor; } rows[] =
    {
        { "wm3_load_walk", "WM3.xml load + walk", "libxml2 parse" },
        { "bcd_10k_save_reload", "BCD 10,000 components save+reload", "libxml2 dump+parse" },
        { "wm3_peak_memory", "WM3.xml peak heap / file size", "file size" },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (!strcmp(rows[i].name, name)) bench_row(rows[i].what, ours, floor, rows[i].floor, target, unit);
}

/* --- wm3_load_walk ------------------------------------------------------------ */

static unsigned int walk(IVssExamineWriterMetadata *examine)
{
    UINT includes, excludes, components, i, j;
    unsigned int files = 0;

    IVssExamineWriterMetadata_GetFileCounts(examine, &includes, &excludes, &components);
    for (i = 0; i < components; i++)
    {
        IVssWMComponent *component;
        PVSSCOMPONENTINFO info;

        if (IVssExamineWriterMetadata_GetComponent(examine, i, &component) != S_OK) continue;
        if (IVssWMComponent_GetComponentInfo(component, &info) == S_OK)
        {
            for (j = 0; j < info->cFileCount; j++)
            {
                IVssWMFiledesc *desc;
                BSTR path, spec, alt;
                bool recursive;
                DWORD mask;

                if (IVssWMComponent_GetFile(component, j, &desc) != S_OK) continue;
                IVssWMFiledesc_GetPath(desc, &path);
                IVssWMFiledesc_GetFilespec(desc, &spec);
                IVssWMFiledesc_GetAlternateLocation(desc, &alt);
                IVssWMFiledesc_GetRecursive(desc, &recursive);
                IVssWMFiledesc_GetBackupTypeMask(desc, &mask);
                files += path && spec;
                SysFreeString(path);
                SysFreeString(spec);
                SysFreeString(alt);
                IVssWMFiledesc_Release(desc);
            }
            IVssWMComponent_FreeComponentInfo(component, info);
        }
        IVssWMComponent_Release(component);
    }
    return files;
}

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    char *buf = NULL;
    long size;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "rb"))) return NULL;
    if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc(size + 1))
        && fread(buf, 1, size, f) == (size_t)size)
    {
        buf[size] = 0;
        *len = size;
    }
    else
    {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int bench_wm3(const char *dir)
{
    double ours[RUNS], floor[RUNS], start;
    size_t len = 0, base;
    char *text = read_file(dir, "WM3.xml", &len);
    BSTR bstr = NULL;
    unsigned int files = 0;
    int i;

    if (!text || bstr_from_utf8n(text, len, &bstr))
    {
        fprintf(stderr, "xml_bench: cannot read %s/WM3.xml\n", dir);
        return 1;
    }
    for (i = -2; i < RUNS; i++)
    {
        IVssExamineWriterMetadata *examine;
        xmlDocPtr doc;

        start = now_ms();
        if (CreateVssExamineWriterMetadata(bstr, &examine) != S_OK)
        {
            fprintf(stderr, "xml_bench: WM3.xml does not load\n");
            return 1;
        }
        files = walk(examine);
        IVssExamineWriterMetadata_Release(examine);
        if (i >= 0) ours[i] = now_ms() - start;

        start = now_ms();
        doc = xmlReadMemory(text, len, NULL, NULL, XML_PARSE_NONET);
        xmlFreeDoc(doc);
        if (i >= 0) floor[i] = now_ms() - start;
    }
    if (files != 18925) fprintf(stderr, "xml_bench: walked %u files, expected 18925\n", files);
    row("wm3_load_walk", median(ours, RUNS), median(floor, RUNS), "ms", 1.5);

    /* peak heap while loading, the BSTR (the caller's) already there */
    {
        IVssExamineWriterMetadata *examine;

        base = heap_now;
        heap_peak = heap_now;
        CreateVssExamineWriterMetadata(bstr, &examine);
        row("wm3_peak_memory", (heap_peak - base) / 1048576.0, len / 1048576.0, "MB", 4.0);
        IVssExamineWriterMetadata_Release(examine);
    }
    SysFreeString(bstr);
    free(text);
    return 0;
}

/* --- bcd_10k_save_reload ------------------------------------------------------ */

static struct bcd *make_bcd(unsigned int count)
{
    static const GUID writer = { 0xa65faa63, 0x5ea8, 0x4ebc, { 0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a } };
    GUID instance = { 0x235435d9, 0x34d6, 0x41ea, { 0x8c, 0x08, 0x59, 0x58, 0xa9, 0x98, 0x26, 0x36 } };
    struct bcd *bcd;
    struct bcd_component *c;
    char name[64];
    unsigned int i;

    if (bcd_create(&bcd)) return NULL;
    bcd->select_components = 1;
    bcd->backup_type = 1;
    bcd->snapshot_set_id = instance;
    for (i = 0; i < count; i++)
    {
        instance.Data1 = i % 20;    /* 20 writer instances of 500 components */
        snprintf(name, sizeof(name), "database_%u", i);
        if (bcd_add_component(bcd, &instance, &writer, 2, "WIN2012-SQL17-2", name, &c)) return NULL;
        bcd_set_string(&c->backup_stamp, "AAAAAAAAOUQAAQAA");
        bcd_set_string(&c->backup_metadata, "UQBVAEkAUwBDAEUAAAAAAAAAAAAAAAAA");
    }
    return bcd;
}

static int bench_bcd(void)
{
    double ours[RUNS], floor[RUNS], start;
    struct bcd *bcd = make_bcd(10000);
    xmlDocPtr tree;
    char *text;
    size_t len;
    int i;

    if (!bcd || bcd_save_utf8(bcd, &text, &len))
    {
        fprintf(stderr, "xml_bench: cannot build the BCD\n");
        return 1;
    }
    /* the floor's tree: the same elements and attributes, built by libxml2 */
    tree = xmlReadMemory(text, len, NULL, NULL, XML_PARSE_NONET);
    free(text);
    for (i = -2; i < RUNS; i++)
    {
        struct bcd *again;
        xmlChar *dump;
        xmlDocPtr doc;
        int size;
        BSTR bstr;

        start = now_ms();
        if (bcd_save_bstr(bcd, &bstr) || bcd_load_wstr(bstr, &again))
        {
            fprintf(stderr, "xml_bench: the BCD does not round-trip\n");
            return 1;
        }
        SysFreeString(bstr);
        bcd_release(again);
        if (i >= 0) ours[i] = now_ms() - start;

        start = now_ms();
        xmlDocDumpMemory(tree, &dump, &size);
        doc = xmlReadMemory((const char *)dump, size, NULL, NULL, XML_PARSE_NONET);
        xmlFree(dump);
        xmlFreeDoc(doc);
        if (i >= 0) floor[i] = now_ms() - start;
    }
    row("bcd_10k_save_reload", median(ours, RUNS), median(floor, RUNS), "ms", 2.0);
    xmlFreeDoc(tree);
    bcd_release(bcd);
    return 0;
}

int main(int argc, char **argv)
{
    int ret;

    if (argc != 2)
    {
        fprintf(stderr, "usage: %s <samples-dir with WM3.xml>\n", argv[0]);
        return 2;
    }
    xmlInitParser();
    ret = bench_wm3(argv[1]);
    ret |= bench_bcd();
    return ret || bench_failures ? 1 : 0;
}
