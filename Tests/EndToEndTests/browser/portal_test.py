#!/usr/bin/python3
"""Drives the Depot portal in headless Chromium: a packager submits, a reviewer approves, a school admin orders
for a class, finance downloads the month's invoice. Every step checks what the page shows; a failing step saves a
screenshot and prints its path. Settings come from the environment (PortalBrowserTests sets them)."""
import datetime
import os
import sys
import time
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["DEPOT_URL"]
TOKENS = {name: os.environ[f"DEPOT_TOKEN_{name.upper()}"] for name in ("pat", "rita", "sara", "fia")}
INSTALLER = os.environ["DEPOT_INSTALLER"]
OUT = os.environ["DEPOT_BROWSER_OUT"]
DOWNLOADS = os.path.join(OUT, "downloads")
os.makedirs(DOWNLOADS, exist_ok=True)


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600",
                 "--lang=en-US"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "download.prompt_for_download": False,
                                              "intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": DOWNLOADS})
    driver.set_page_load_timeout(60)
    return driver


def wait_h1(driver, text):
    WebDriverWait(driver, 30).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), text))


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def check_accessible(driver):
    """One h1, a lang attribute, and a label for every visible control."""
    expect(len(driver.find_elements(By.TAG_NAME, "h1")) == 1, f"{driver.current_url}: expected exactly one h1")
    expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") in ("en", "sv"), "the page has no lang attribute")
    for control in driver.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
        if control.get_attribute("type") == "hidden":
            continue
        control_id = control.get_attribute("id")
        expect(control_id and driver.find_elements(By.CSS_SELECTOR, f"label[for='{control_id}']"),
               f"{driver.current_url}: control {control.get_attribute('name')} has no <label for>")


def sign_in(driver, who):
    driver.get(BASE + "/login")
    check_accessible(driver)
    driver.find_element(By.ID, "token").send_keys(TOKENS[who])
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    wait_h1(driver, "Catalog")
    expect(who in driver.find_element(By.TAG_NAME, "header").text, f"the header does not name {who}")


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait_h1(driver, "Sign in")


def packager_submits(driver):
    sign_in(driver, "pat")
    nav = driver.find_element(By.TAG_NAME, "nav").text
    expect("Submit" in nav and "Invoices" not in nav, f"packager nav shows: {nav}")
    driver.find_element(By.LINK_TEXT, "Submit").click()
    wait_h1(driver, "Submit an installer")
    check_accessible(driver)
    driver.find_element(By.ID, "installer").send_keys(INSTALLER)
    driver.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    wait_h1(driver, "Confirm what was found")
    check_accessible(driver)
    version = driver.find_element(By.ID, "version").get_attribute("value")
    expect(version == "2.10-3", f"the inspected version is {version!r}")
    expect("GPL-3.0-or-later" in driver.page_source, "the declared licence is not shown")
    program = driver.find_element(By.ID, "program")
    program.clear()
    program.send_keys("hello-depot")
    driver.find_element(By.ID, "costReference").send_keys("140:52120")
    driver.find_element(By.CSS_SELECTOR, "form[action='/portal/submit/confirm'] button").click()
    wait_h1(driver, "Submission recorded")
    expect("hello-depot 2.10-3" in driver.find_element(By.TAG_NAME, "main").text, "the submission is not confirmed on the page")
    sign_out(driver)


def reviewer_approves(driver):
    sign_in(driver, "rita")
    driver.find_element(By.LINK_TEXT, "Licence reviews").click()
    wait_h1(driver, "Licence review queue")
    check_accessible(driver)
    driver.find_element(By.PARTIAL_LINK_TEXT, "hello-depot 2.10-3").click()
    wait_h1(driver, "hello-depot 2.10-3")
    check_accessible(driver)
    main = driver.find_element(By.TAG_NAME, "main").text
    expect("GPL-3.0-or-later" in main, "the detected licence is not shown")
    driver.find_element(By.ID, "decision-approve").click()
    Select(driver.find_element(By.ID, "scope")).select_by_value("admin")
    driver.find_element(By.ID, "reason").send_keys("GPL is fine for internal use")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/decision'] button").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.ok")))
    expect("approve" in driver.find_element(By.CSS_SELECTOR, "p.ok").text, "the decision is not shown")
    driver.find_element(By.LINK_TEXT, "Licence reviews").click()
    wait_h1(driver, "Licence review queue")
    expect("hello-depot" not in driver.find_element(By.TAG_NAME, "main").text, "the decided review is still queued")
    sign_out(driver)


def school_admin_orders(driver):
    sign_in(driver, "sara")
    nav = driver.find_element(By.TAG_NAME, "nav").text
    expect("School" in nav and "Invoices" not in nav and "Submit" not in nav, f"school admin nav shows: {nav}")
    driver.find_element(By.LINK_TEXT, "School").click()
    wait_h1(driver, "School Hagaskolan")
    check_accessible(driver)
    Select(driver.find_element(By.ID, "program")).select_by_value("mozilla-firefox")
    driver.find_element(By.ID, "groupName").send_keys("7B")
    driver.find_element(By.ID, "groupSize").send_keys("25")
    driver.find_element(By.ID, "costReference").clear()
    driver.find_element(By.ID, "costReference").send_keys("140:52120")
    driver.find_element(By.CSS_SELECTOR, "form[action='/portal/orders/quote'] button").click()
    wait_h1(driver, "Price before you order")
    main = driver.find_element(By.TAG_NAME, "main").text
    expect("25 users in group 7B" in main and "SEK" in main, f"the quote shows: {main}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/portal/orders'] button").click()
    wait_h1(driver, "Order placed")
    expect("ORD-" in driver.find_element(By.TAG_NAME, "main").text, "no order id is shown")
    driver.find_element(By.CSS_SELECTOR, "nav a[href='/portal/school']").click()
    wait_h1(driver, "School")
    expect("7B" in driver.find_element(By.TAG_NAME, "main").text, "the order is not listed under orders so far")
    sign_out(driver)


def finance_downloads(driver):
    sign_in(driver, "fia")
    driver.find_element(By.LINK_TEXT, "Invoices").click()
    wait_h1(driver, "Invoices")
    check_accessible(driver)
    period = datetime.date.today().strftime("%Y-%m")
    main = driver.find_element(By.TAG_NAME, "main").text
    expect("mozilla-firefox" in main and "140:52120" in main, f"the invoice lines are not shown: {main}")
    driver.find_element(By.PARTIAL_LINK_TEXT, "CSV").click()
    expected = os.path.join(DOWNLOADS, f"invoice-{period}.csv")
    deadline = time.time() + 30
    while time.time() < deadline and not os.path.exists(expected):
        time.sleep(0.2)
    expect(os.path.exists(expected), f"no {expected} was downloaded; the folder has {os.listdir(DOWNLOADS)}")
    text = open(expected, encoding="utf-8").read()
    expect("140:52120" in text and "mozilla-firefox" in text, f"the CSV lacks the order: {text[:400]}")
    sign_out(driver)


def main():
    driver = make_driver()
    failed = False
    try:
        for step in (packager_submits, reviewer_approves, school_admin_orders, finance_downloads):
            try:
                step(driver)
                print(f"ok   {step.__name__}")
            except Exception:
                failed = True
                shot = os.path.join(OUT, f"{step.__name__}.png")
                driver.save_screenshot(shot)
                print(f"FAIL {step.__name__} at {driver.current_url}\nscreenshot: {shot}")
                traceback.print_exc(file=sys.stdout)
                break
    finally:
        driver.quit()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
